"""Limits on sign-in attempts, per account and per address, kept in Django's cache.

Each attempt takes a numbered slot, `cache.add(key)`, before the password is checked. `add`
is atomic in every cache Django ships (a lock in memory, the primary key in the database
cache, NX in Redis and memcached), so parallel requests cannot all slip through on one
reading of a counter. A successful sign-in gives its slots back: only failures count.

Slots are kept per minute, and the last 15 minutes of them are counted: 5 failures refuse
the account until the minute the first of them is 15 minutes old, wherever the clock is.

The cache is `READER_LOGIN_CACHE` (an alias in CACHES) when it is set, otherwise a memory
cache of this process. With several processes, set it to a cache they share (the database
cache needs no new service).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

WINDOW_SECONDS = 15 * 60
MINUTE = 60
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20

ERROR_ACCOUNT = (
    "Too many failed sign-ins for this account. Try again in {minutes} minutes, "
    "or ask an administrator to reset your password."
)
ERROR_ADDRESS = "Too many failed sign-ins from your network. Try again in {minutes} minutes."

# Large enough that flooding it with attempts on other names cannot evict an account's
# slots (the default cache forgets a third of its keys past 300).
LOCAL = LocMemCache("reader-login-limits", {"OPTIONS": {"MAX_ENTRIES": 50_000}})


def now() -> float:
    return time.time()


def store() -> BaseCache:
    alias = getattr(settings, "READER_LOGIN_CACHE", "")
    return caches[alias] if alias else LOCAL


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    message: str


ACCOUNT = Limit("account", ACCOUNT_LIMIT, ERROR_ACCOUNT)
ADDRESS = Limit("address", ADDRESS_LIMIT, ERROR_ADDRESS)


class Refused(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(limit.message.format(minutes=max(1, math.ceil(retry_after / 60))))


def client_address(request: HttpRequest) -> str:
    """The client's address: the REMOTE_ADDR, or with READER_TRUSTED_PROXIES = n behind n
    proxies, the n-th address from the right of X-Forwarded-For (a client can write the
    header's start, never its end). IPv6 counts by /64, what one machine usually gets."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "READER_TRUSTED_PROXIES", 0)
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _identity(value: str) -> str:
    """A short fixed-size key part for any username or address (case and width folded)."""
    folded = unicodedata.normalize("NFKC", value).casefold().strip()
    return hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _slot(limit: Limit, who: str, minute: int, number: int) -> str:
    return f"reader-login:{limit.scope}:{who}:{minute}:{number}"


def _take(cache: BaseCache, limit: Limit, who: str, moment: float) -> str:
    """Take a free slot in the current minute, or raise Refused with the seconds to wait."""
    minute = int(moment // MINUTE)
    minutes = range(minute - WINDOW_SECONDS // MINUTE + 1, minute + 1)
    slots = {m: [_slot(limit, who, m, n) for n in range(limit.limit)] for m in minutes}
    taken = cache.get_many([key for keys in slots.values() for key in keys])
    counts = {m: sum(key in taken for key in keys) for m, keys in slots.items()}
    earlier = sum(counts.values()) - counts[minute]
    for key in slots[minute][: max(0, limit.limit - earlier)]:
        if key not in taken and cache.add(key, 1, timeout=WINDOW_SECONDS + MINUTE):
            return key
    raise Refused(limit, _retry_after(limit.limit, counts, moment))


def _retry_after(limit: int, counts: dict[int, int], moment: float) -> int:
    """Seconds until enough minutes have left the window for one more attempt."""
    remaining = sum(counts.values())
    for minute in sorted(counts):
        remaining -= counts[minute]
        if remaining < limit:
            leaves = (minute + WINDOW_SECONDS // MINUTE) * MINUTE
            return max(1, math.ceil(leaves - moment))
    return WINDOW_SECONDS  # not reached: with every minute gone, nothing is counted


@dataclass
class Attempt:
    """The slots one sign-in attempt holds; `succeeded` gives them back."""

    keys: list[str]

    def succeeded(self) -> None:
        store().delete_many(self.keys)


def attempt(*, username: str, address: str) -> Attempt:
    """Count a sign-in attempt against the address and the account, or raise Refused
    (counting nothing) when either has used up its window."""
    cache, moment = store(), now()
    keys = [_take(cache, ADDRESS, _identity(address), moment)]
    try:
        keys.append(_take(cache, ACCOUNT, _identity(username), moment))
    except Refused:
        cache.delete_many(keys)
        raise
    return Attempt(keys)
