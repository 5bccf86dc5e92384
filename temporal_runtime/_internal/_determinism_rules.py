"""What the determinism check knows: calls that replay differently or block, and what to write instead.

The definition-time check (`_determinism`) and the message for a call the workflow sandbox
refused at run time (`_sandbox_errors`) both read this table, so a user gets the same advice
from either. Names are canonical dotted names (``datetime.datetime.now``, ``os.getenv``);
the checker resolves aliases to them before it looks a call up here.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

_MOVE = "move it into an activity and call that with self.exec(...)"


@dataclass(frozen=True, slots=True)
class Rule:
    """Why a call does not belong in workflow code, and what to write instead."""

    why: str
    instead: str

    def advice(self, name: str) -> str:
        """`why; instead` for a call of `name` (``{fn}`` in `instead` becomes its last part)."""
        return f"{self.why}; {self.instead.format(fn=name.rpartition('.')[2])}"


CLOCK = Rule("reads the wall clock, so a replay sees another time", "use self.now()")
BLOCKING_SLEEP = Rule(
    "blocks the worker's event loop, and the wait is lost if the worker restarts",
    "use await self.sleep(seconds)",
)
# On a worker asyncio.sleep is a durable timer, but only self.sleep runs on InMemoryEngine's
# virtual clock: the same code must behave the same on both engines.
ASYNC_SLEEP = Rule(
    "is a durable timer on a Temporal worker but waits in real time in InMemoryEngine",
    "use await self.sleep(seconds): both engines run it on workflow time",
)
RANDOM = Rule(
    "draws from a generator the workflow does not seed, so a replay gets other values",
    "use self.random().{fn}(...)",
)
UNSEEDED = Rule(
    "makes a generator seeded from the operating system, so a replay gets other values",
    "use self.random()",
)
UUID = Rule("returns a new value on every run, so a replay gets another id", "use self.uuid4()")
ENTROPY = Rule(
    "reads the operating system's entropy, so a replay gets other values",
    "use self.random(), or an activity when the value must be cryptographically secure",
)
ENVIRONMENT = Rule(
    "reads the worker's environment, and another worker or a replay may see another value",
    "read it in an activity, or pass the value in as an input",
)
FILES = Rule("does file I/O in workflow code, and a replay would not see the same files", _MOVE)
NETWORK = Rule("does network I/O in workflow code, and a replay would not get the same answers", _MOVE)
PROCESS = Rule("starts or signals a process from workflow code", _MOVE)
THREADS = Rule("uses threads, and workflow code runs on one deterministic event loop", _MOVE)
SYSTEM = Rule("reads or changes the state of the worker's operating system, and workers differ", _MOVE)
ORDER = Rule("hands back tasks in an order that can differ between runs", "use self.gather(...)")

_PATH_IO = frozenset(
    {
        "chmod", "cwd", "exists", "expanduser", "glob", "group", "hardlink_to", "home", "is_block_device",
        "is_char_device", "is_dir", "is_fifo", "is_file", "is_mount", "is_socket", "is_symlink",
        "iterdir", "lchmod", "lstat", "mkdir", "open", "owner", "read_bytes", "read_text", "readlink",
        "rename", "replace", "resolve", "rglob", "rmdir", "samefile", "stat", "symlink_to", "touch",
        "unlink", "walk", "write_bytes", "write_text", "absolute",
    }
)  # fmt: skip
_OS_PURE = frozenset({"fspath", "fsencode", "fsdecode", "strerror", "WEXITSTATUS", "WIFEXITED"})
_OS_PATH_PURE = frozenset(
    {"join", "basename", "dirname", "split", "splitext", "splitdrive", "normpath", "normcase",
     "isabs", "commonpath", "commonprefix", "splitroot"}
)  # fmt: skip
_OS_PROCESS = ("system", "popen", "fork", "forkpty", "kill", "killpg", "spawn", "exec", "posix_spawn", "wait")
_OS_FILES = frozenset(
    {"listdir", "scandir", "stat", "lstat", "remove", "unlink", "rename", "renames", "replace", "mkdir",
     "makedirs", "rmdir", "removedirs", "walk", "fwalk", "chdir", "getcwd", "getcwdb", "open", "read",
     "write", "close", "chmod", "chown", "link", "symlink", "readlink", "truncate", "access", "utime"}
)  # fmt: skip

EXACT: dict[str, Rule] = {
    **dict.fromkeys(
        [
            "datetime.datetime.now",
            "datetime.datetime.utcnow",
            "datetime.datetime.today",
            "datetime.date.today",
        ],
        CLOCK,
    ),
    **{
        f"time.{fn}{suffix}": CLOCK
        for fn in ("time", "monotonic", "perf_counter", "process_time", "thread_time")
        for suffix in ("", "_ns")
    },
    "time.sleep": BLOCKING_SLEEP,
    "asyncio.sleep": ASYNC_SLEEP,
    "asyncio.wait": ORDER,
    "asyncio.as_completed": ORDER,
    "asyncio.to_thread": THREADS,
    "asyncio.create_subprocess_exec": PROCESS,
    "asyncio.create_subprocess_shell": PROCESS,
    "asyncio.open_connection": NETWORK,
    "asyncio.start_server": NETWORK,
    **dict.fromkeys(["uuid.uuid1", "uuid.uuid4", "uuid.uuid7"], UUID),
    **dict.fromkeys(["os.urandom", "os.getrandom"], ENTROPY),
    **dict.fromkeys(
        ["os.getenv", "os.getenvb", "os.putenv", "os.unsetenv", "os.path.expandvars"],
        ENVIRONMENT,
    ),
    **dict.fromkeys(["builtins.open", "io.open", "builtins.input"], FILES),
    "random.Random": UNSEEDED,
    "random.SystemRandom": UNSEEDED,
    **{
        f"random.{fn}": RANDOM
        for fn in dir(random)
        if not fn.startswith("_")
        and callable(getattr(random, fn))
        and not isinstance(getattr(random, fn), type)
    },
    **{
        f"secrets.{fn}": ENTROPY
        for fn in dir(secrets)
        if not fn.startswith("_") and callable(getattr(secrets, fn)) and fn != "compare_digest"
    },
    **{f"pathlib.{cls}.{fn}": FILES for cls in ("Path", "PosixPath", "WindowsPath") for fn in _PATH_IO},
}
# Deterministic with an argument, the current time without one.
CLOCK_WITHOUT_ARGS = frozenset({"time.localtime", "time.gmtime", "time.ctime", "time.asctime"})
# Only with an explicit seed is a `random.Random` deterministic.
DETERMINISTIC_WITH_ARGS = frozenset({"random.Random"})
# Every call into these modules does I/O or starts threads or processes.
PREFIXES: tuple[tuple[str, Rule], ...] = (
    ("os.environ", ENVIRONMENT),
    ("os.environb", ENVIRONMENT),
    ("random.SystemRandom", ENTROPY),
    *((m, NETWORK) for m in ("requests", "httpx", "aiohttp", "urllib3", "urllib.request", "http.client")),
    *((m, NETWORK) for m in ("socket", "smtplib", "ftplib", "ssl.create_connection")),
    ("subprocess", PROCESS),
    ("multiprocessing", PROCESS),
    *((m, THREADS) for m in ("threading", "_thread", "concurrent.futures")),
    *((m, FILES) for m in ("shutil", "glob", "tempfile", "fileinput")),
)
# Where a name's defining module differs from the module users import it from.
MODULE_ALIASES = {
    "posix": "os",
    "nt": "os",
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "_socket": "socket",
    "_io": "io",
}


def _os_rule(name: str) -> Rule | None:
    rest = name.removeprefix("os.")
    if rest.startswith("path."):
        fn = rest.removeprefix("path.")
        return None if fn in _OS_PATH_PURE else FILES
    if rest in _OS_PURE or "." in rest:
        return None
    if rest.startswith(_OS_PROCESS):
        return PROCESS
    return FILES if rest in _OS_FILES else SYSTEM


def rule_for(name: str, *, has_args: bool) -> Rule | None:
    """The rule for calling `name` (canonical, dotted), or None when the call is fine."""
    if name in CLOCK_WITHOUT_ARGS:
        return None if has_args else CLOCK
    if name in DETERMINISTIC_WITH_ARGS and has_args:
        return None
    found = EXACT.get(name)
    if found is not None:
        return found
    for prefix, rule in PREFIXES:
        if name == prefix or name.startswith(prefix + "."):
            return rule
    if name.startswith("os."):
        return _os_rule(name)
    return None


def canonical_module(name: str) -> str:
    """The module users import a name from: ``os`` for ``posix``, ``asyncio`` for ``asyncio.tasks``."""
    if name.startswith("asyncio."):
        return "asyncio"
    if name.startswith("pathlib."):
        return "pathlib"
    return MODULE_ALIASES.get(name, name)


# Every module, class and function that a rule's name starts with: a global bound to one of
# these is worth reading the function's source for.
_PARENTS = frozenset(
    ".".join(parts[:i])
    for name in (*EXACT, *CLOCK_WITHOUT_ARGS, *(prefix for prefix, _ in PREFIXES))
    for parts in [name.split(".")]
    for i in range(1, len(parts) + 1)
)
ROOTS = frozenset(name.partition(".")[0] for name in _PARENTS)


def may_apply(name: str) -> bool:
    """Whether `name` or something reached from it (``os`` -> ``os.getenv``) has a rule."""
    return (
        name in _PARENTS
        or rule_for(name, has_args=False) is not None
        or rule_for(name, has_args=True) is not None
    )
