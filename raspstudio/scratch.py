"""Where rasp-studio writes files nobody asked for by name: a folder of this user's alone.

Layer reports, drafts opened in the editor and the name under which drafts are judged live in
`<temp>/rasp-studio-<uid>/`, made 0700. A shared folder would let another user plant a
symbolic link there and have us overwrite its target; so the folder is refused unless it is a
real directory, ours, and closed to others, and files in it are created new (`O_EXCL`) or
replaced by a rename, never written through a link.
"""

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def private_folder(*parts: str) -> Path:
    """`<temp>/rasp-studio-<uid>/<parts>`, created 0700; OSError if the base is not ours."""
    base = Path(tempfile.gettempdir()) / f"rasp-studio-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o700)
    info = os.lstat(base)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{base} is not a private folder of this user's (a link? remove it)")
    folder = base.joinpath(*parts)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def replace_file(path: Path, text: str) -> None:
    """Write `text` to `path` in a private folder: a new file renamed over the old one."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)
