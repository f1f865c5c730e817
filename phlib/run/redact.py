"""What a public build's `manifest.json` and `run.log` may hold: no local paths, no user
names, no tracebacks.

Pages of a public build are scrubbed as they are assembled (`phlib.report.fragments`); the
manifest and the log are scrubbed here before they are written. Every string in a public
manifest passes through `public_text`: each private string (the project and home folders,
the user name; `phlib.run.quarter.private_text`) and any other absolute path becomes
``[local path]``, and a traceback is cut to its last line (the error itself). The log of a
public build keeps what the run said and each failure's one-line error, not the notebooks'
output or tracebacks.

>>> public_text("failed: /home/ann/p/data/x.csv not found", ["/home/ann/p"])
'failed: [local path]/data/x.csv not found'
>>> public_text('Traceback (most recent call last):\\n  File "/opt/x.py", line 3, in f\\n'
...             "KeyError: 'x'")
"KeyError: 'x'"
>>> public_text("see C:\\\\Users\\\\ann\\\\report and /tmp/abc/run")
'see [local path] and [local path]'
"""

from __future__ import annotations

import getpass
import re

LOCAL = "[local path]"
_ABSOLUTE = re.compile(
    r"(?<![\]\w.:/\\])(?:[A-Za-z]:\\|\\\\|/(?:home|Users|root|tmp|var|opt|usr|mnt|srv|media|private|"
    r"Volumes|work|data|etc|run)\b)[^\s\"'<>|:,;]*"
)
_TRACEBACK = re.compile(r"Traceback \(most recent call last\):\n(?:[ \t].*\n|\n)*", re.M)
_FRAME = re.compile(r'^\s*File ".*", line \d+.*$', re.M)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def public_text(text: str, private=()) -> str:
    """`text` without private strings, absolute paths or traceback frames."""
    text = _TRACEBACK.sub("", str(text))
    text = _FRAME.sub("", text)
    for secret in sorted({str(p) for p in private if len(str(p)) > 1}, key=len, reverse=True):
        text = text.replace(secret, LOCAL)
    text = _ABSOLUTE.sub(LOCAL, text)
    user = _user()
    if len(user) > 2:
        text = re.sub(rf"(?<![\w]){re.escape(user)}(?![\w])", "[user]", text)
    return text.strip("\n") if "\n" in text else text


def public_manifest(data, private=()):
    """A copy of a manifest (any JSON value) with every string passed through `public_text`."""
    if isinstance(data, dict):
        return {key: public_manifest(value, private) for key, value in data.items()}
    if isinstance(data, list):
        return [public_manifest(value, private) for value in data]
    return public_text(data, private) if isinstance(data, str) else data


def public_log(lines, private=()) -> list[str]:
    """Log lines for a public build: each passed through `public_text`, blank ones dropped
    where a traceback was cut."""
    return [public_text(line, private) for line in lines]
