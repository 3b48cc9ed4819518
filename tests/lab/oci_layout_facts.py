#!/usr/bin/env python3
"""Facts about the lab's image layout for tests/lab/oci_client.sh (images x, y and big).

  oci_layout_facts.py LAYOUT KEY

KEY: digest:NAME (the manifest digest of tag NAME), bytes:NAME (its blobs' bytes),
own_layer:NAME (its last layer), shared_layer (the layer x and y share), unique_blobs,
unique_bytes (blobs of x, y and big, each counted once), blobs_per_image_total (each image's
blobs, summed), all_blobs (blobs and manifests, one a line), big_chunks_8m (8 MiB chunks of
big's largest blob).
"""

import json
import sys

IMAGES = ("x", "y", "big")


def main():
    layout, key = sys.argv[1], sys.argv[2]
    index = json.load(open(f"{layout}/index.json", encoding="utf-8"))
    tags = {m["annotations"]["org.opencontainers.image.ref.name"]: m["digest"]
            for m in index["manifests"]}

    def blobs(name):
        digest = tags[name]
        manifest = json.load(open(f"{layout}/blobs/sha256/{digest[7:]}", encoding="utf-8"))
        return [manifest["config"]] + manifest["layers"]

    unique = {b["digest"]: b["size"] for name in IMAGES for b in blobs(name)}
    kind, _, name = key.partition(":")
    if kind == "digest":
        print(tags[name])
    elif kind == "bytes":
        print(sum(b["size"] for b in blobs(name)))
    elif kind == "own_layer":
        print(blobs(name)[-1]["digest"])
    elif key == "shared_layer":
        shared = {b["digest"] for b in blobs("x")[1:]} & {b["digest"] for b in blobs("y")[1:]}
        print(*sorted(shared))
    elif key == "unique_blobs":
        print(len(unique))
    elif key == "unique_bytes":
        print(sum(unique.values()))
    elif key == "blobs_per_image_total":
        print(sum(len(blobs(name)) for name in IMAGES))
    elif key == "all_blobs":
        print("\n".join(sorted(unique) + [tags[name] for name in IMAGES]))
    elif key == "big_chunks_8m":
        print(-(-max(b["size"] for b in blobs("big")) // (8 << 20)))
    else:
        sys.exit(f"unknown key {key}")


if __name__ == "__main__":
    main()
