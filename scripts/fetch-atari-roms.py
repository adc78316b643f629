#!/usr/bin/env python3
"""Fetch the Atari ROMs that ale-py 0.12.1's wheel ships, into a folder for KNOWHOW_ATARI_ROMS.

    python3 scripts/fetch-atari-roms.py target/atari-roms
    KNOWHOW_ATARI_ROMS=target/atari-roms cargo test --release --features atari --test golden_atari

ROMs are never committed to knowhow. This needs only python3 (no pip): it reads PyPI's simple index for ale-py
0.12.1, downloads one wheel (about 5 MB; every wheel carries the same ROMs), checks the wheel's sha256 against the
index, unpacks ale_py/roms/*.bin and checks Breakout's md5 (f34f08e5eb96e500e851a80be3277a56, the ROM ALE 0.12.1
expects). A folder that already holds a Breakout ROM with that md5 is left as it is.

Exit status: 0 when the ROMs are there; 3 when PyPI cannot be reached (the reason is printed; CI then skips the Atari
tests and says so); 1 on anything else (a changed wheel, a wrong md5).
"""

import hashlib
import io
import re
import sys
import urllib.request
import zipfile
from pathlib import Path

INDEX = "https://pypi.org/simple/ale-py/"
WHEEL = re.compile(r'href="([^"]*/(ale_py-0\.12\.1-cp311-cp311-manylinux[^"#]*x86_64\.whl))#sha256=([0-9a-f]{64})"')
BREAKOUT_MD5 = "f34f08e5eb96e500e851a80be3277a56"


def md5_of(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: fetch-atari-roms.py FOLDER")
        return 1
    folder = Path(sys.argv[1])
    breakout = folder / "breakout.bin"
    if breakout.is_file() and md5_of(breakout) == BREAKOUT_MD5:
        print(f"{folder}: the ROMs are already there")
        return 0
    try:
        index = urllib.request.urlopen(INDEX, timeout=60).read().decode()
    except OSError as error:
        print(f"cannot reach PyPI ({INDEX}): {error}")
        return 3
    found = WHEEL.search(index)
    if not found:
        print(f"{INDEX}: no ale-py 0.12.1 wheel for cp311 manylinux x86_64 listed")
        return 1
    url, name, expected_sha256 = found.groups()
    try:
        wheel = urllib.request.urlopen(url, timeout=300).read()
    except OSError as error:
        print(f"cannot download {name}: {error}")
        return 3
    if hashlib.sha256(wheel).hexdigest() != expected_sha256:
        print(f"{name}: its sha256 is not the one PyPI lists")
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        for member in archive.namelist():
            if member.startswith("ale_py/roms/") and member.endswith(".bin"):
                (folder / Path(member).name).write_bytes(archive.read(member))
                count += 1
    if not breakout.is_file() or md5_of(breakout) != BREAKOUT_MD5:
        print(f"{breakout}: missing or not the ROM ALE 0.12.1 expects (md5 {BREAKOUT_MD5})")
        return 1
    print(f"{folder}: {count} ROMs from {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
