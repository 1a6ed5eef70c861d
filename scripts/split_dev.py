"""Split a gold file by document into two halves: A to tune rules on, B to look at only at the end.

A sentence's document is its id without the final `_N`; a document goes to half A or B by the
parity of the CRC-32 of its name, so the split is the same on every machine and never cuts a
document in two. Usage: python scripts/split_dev.py GOLD.jsonl OUT_PREFIX
(writes OUT_PREFIX-A.jsonl and OUT_PREFIX-B.jsonl).
"""
from __future__ import annotations

import json
import sys
import zlib


def half_of(sentence_id: str) -> str:
    document = sentence_id.rsplit("_", 1)[0]
    return "AB"[zlib.crc32(document.encode("utf-8")) % 2]


def main(gold: str, prefix: str) -> None:
    outs = {h: open(f"{prefix}-{h}.jsonl", "w", encoding="utf-8") for h in "AB"}
    with open(gold, encoding="utf-8") as source:
        for line in source:
            if line.strip():
                outs[half_of(str(json.loads(line)["id"]))].write(line)
    for out in outs.values():
        out.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
