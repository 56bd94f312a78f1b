#!/usr/bin/env python3
"""A second reader of the opsledger vault repository format, written from docs/vault-format.md
alone (formats 1 to 6), with no code of the vault's: an auditor can open and verify a repository
without the software that wrote it, and CI proves the document describes the bytes
(cli/src/test/java/org/opsledger/cli/vault/IndependentReaderTest.java).  Usage:

    vault_reader.py REPO PASSWORD_FILE [--restore OUTDIR] [--anchor ANCHOR]

Opens the repository with the password (a local directory), checks every file's name against the
SHA-256 of its bytes, decrypts the keyring, index, snapshots, holds, condemned records and journal,
reads every pack against its header and the index, decrypts every blob and computes its content ID
again, checks that each tree is sorted as §8 says, checks that every journal entry a check named
(its `covers`, §13) is still there and, where the line gives its content, as it was, that no entry is dated before
the init or before a check that did not read it, and no check or init dated more than an hour after a check that read
it ended or after this reading began (§13 "Backdated entries"; such a one bounds nothing, and one an acknowledgement
that stands covers is a warning, "Acknowledged findings"), prints the anchor of the newest check and, with --anchor, verifies
one an auditor wrote down (`vault journal --anchor`), and with --restore writes every snapshot into
OUTDIR/<snapshot id>/. Exit 0 when nothing was wrong, 1 when something was (each on stderr).
Needs python3-cryptography and the zstd command (Debian packages of those names).
"""
import base64, hashlib, hmac, json, os, re, struct, subprocess, sys, stat, time
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HEX64 = set("0123456789abcdef")
errors = []
def err(msg):
    errors.append(msg); print("ERROR:", msg, file=sys.stderr)

def is_id(name):
    return len(name) == 64 and set(name) <= HEX64

def zstd_decompress(b):
    r = subprocess.run(["zstd", "-dc", "-q"], input=b, capture_output=True)
    if r.returncode != 0:
        raise ValueError("zstd: " + r.stderr.decode(errors="replace"))
    return r.stdout

def zstd_frame_content_size(b):
    """Parse the zstd frame header's Frame_Content_Size (RFC 8878 §3.1.1.1)."""
    if b[:4] != b"\x28\xb5\x2f\xfd": return None
    fhd = b[4]
    fcs_flag = fhd >> 6; single = (fhd >> 5) & 1; did_flag = fhd & 3
    pos = 5 + (0 if single else 1) + [0, 1, 2, 4][did_flag]
    n = [1 if single else 0, 2, 4, 8][fcs_flag]
    if n == 0: return None
    v = int.from_bytes(b[pos:pos + n], "little")
    return v + 256 if n == 2 else v

# ---------------------------------------------------------------- crypto (§3, §5)
def open_unit(key_for_epoch, b, label):
    """§5: epoch (u32 BE) | nonce (12) | GCM ciphertext and tag; the AAD is the label, then the epoch's 4 bytes."""
    if len(b) < 32: raise ValueError("unit shorter than 32 bytes")
    ep = struct.unpack(">I", b[:4])[0]
    key = key_for_epoch(ep)
    return ep, AESGCM(key).decrypt(b[4:16], b[16:], label + b[:4])

class Repo:
    def __init__(self, path, password):
        self.path = path
        self.config = json.load(open(os.path.join(path, "config"), "rb"))
        v = self.config.get("version")
        if not isinstance(v, int) or not 1 <= v <= 6:
            raise SystemExit(f"unsupported format version {v!r}")
        self.version = v
        self.mk = self._unlock(password)
        ep, kr = open_unit(lambda e: self.mk, self._read("keyring"), b"opsledger-vault keyring")
        self.keyring = json.loads(kr)
        self.keyring_epoch = ep
        self.id_key = base64.b64decode(self.keyring["idKey"])
        self.gear_seed = base64.b64decode(self.keyring["gearSeed"])
        self.data_keys = {int(e): base64.b64decode(k) for e, k in self.keyring["epochs"].items()}
        self.tree_cache = {}

    def _read(self, rel):
        return open(os.path.join(self.path, rel), "rb").read()

    def _unlock(self, password):
        slots = []
        for name in sorted(os.listdir(os.path.join(self.path, "keys"))):
            p = os.path.join(self.path, "keys", name)
            if os.path.getsize(p) > 65536: print("skip oversize slot", name); continue
            try:
                s = json.load(open(p, "rb"))
                salt = base64.b64decode(s["salt"]); w = base64.b64decode(s["wrappedMasterKey"])
                if s["kdf"] != "pbkdf2-hmac-sha256" or not 100000 <= s["iterations"] <= 10000000 \
                        or not 16 <= len(salt) <= 64 or len(w) != 64:
                    raise ValueError("bad slot parameters")
                slots.append((s["iterations"], name, salt, w))
            except Exception as e:
                print(f"key slot {name} unreadable: {e}", file=sys.stderr)
        for it, name, salt, w in sorted(slots):     # cheapest first
            kek = hashlib.pbkdf2_hmac("sha256", password, salt, it, 32)
            try:
                # §3: a §5 unit under epoch 0, sealed with the KEK
                ep, mk = open_unit(lambda e: kek, w, b"opsledger-vault key slot")
                self.slot = name
                return mk
            except Exception:
                continue
        raise SystemExit("wrong password (no key slot opens)")

    def data_key(self, ep):
        if ep not in self.data_keys: raise ValueError(f"no data key for epoch {ep}")
        return self.data_keys[ep]

    def open_sealed(self, rel, label, check_name=True):
        b = self._read(rel)
        if check_name and hashlib.sha256(b).hexdigest() != os.path.basename(rel):
            err(f"{rel}: SHA-256 of stored bytes does not match its name")
        return open_unit(self.data_key, b, label)

    def list_dir(self, rel):
        d = os.path.join(self.path, rel)
        if not os.path.isdir(d): return []
        out = []
        for n in sorted(os.listdir(d)):
            if n.startswith(".tmp-"): continue
            if os.path.isdir(os.path.join(d, n)): continue
            if not is_id(n):
                print(f"warning: {rel}/{n} is not the vault's (name not 64 hex digits)", file=sys.stderr)
                continue
            out.append(n)
        return out

    # ------------------------------------------------------------ index (§7)
    def load_index(self):
        self.index = {}      # blob id -> list of (pack, offset, length, rawLength, compressed, type, epoch)
        self.packs = {}      # pack id -> epoch
        self.index_files = {}
        for f in self.list_dir("index"):
            ep, pt = self.open_sealed("index/" + f, b"opsledger-vault index")
            form = "json"
            if pt[:4] == b"\x28\xb5\x2f\xfd":
                size = zstd_frame_content_size(pt)
                if size is None or size > 256 << 20:
                    err(f"index/{f}: zstd frame states no size or too large"); continue
                pt = zstd_decompress(pt); form = "zstd"
                if len(pt) != size: err(f"index/{f}: frame size mismatch")
            elif pt[:1] != b"{":
                err(f"index/{f}: neither JSON nor zstd"); continue
            self.index_files[f] = (ep, form)
            doc = json.loads(pt)
            for pk in doc["packs"]:
                self.packs[pk["id"]] = pk["epoch"]
                for bl in pk["blobs"]:
                    self.index.setdefault(bl["id"], []).append(
                        (pk["id"], bl["offset"], bl["length"], bl["rawLength"], bl["compressed"], bl["type"], pk["epoch"]))
        return self.index

    # ------------------------------------------------------------ packs (§6)
    def pack_path(self, pid):
        return os.path.join(self.path, "data", pid[:2], pid)

    def read_pack_header(self, pid, data=None):
        if data is None: data = open(self.pack_path(pid), "rb").read()
        if len(data) < 9 or data[-5:-1] != b"OLVP" or data[-1] != 1:
            raise ValueError("bad pack trailer")
        hl = struct.unpack("<I", data[-9:-5])[0]
        hdr = data[-9 - hl:-9]
        ep, h = open_unit(self.data_key, hdr, b"opsledger-vault pack header")
        if len(h) % 46: raise ValueError("header not a multiple of 46 bytes")
        entries = []
        for i in range(0, len(h), 46):
            t, c, off, ln, raw = struct.unpack("<BBIII", h[i:i + 14])
            entries.append(dict(type=["data", "tree"][t], compressed=bool(c), offset=off, length=ln,
                                rawLength=raw, id=h[i + 14:i + 46].hex()))
        return ep, entries, len(data) - 9 - hl

    def verify_packs(self, read_blobs=True):
        seen = set()
        for sub in sorted(os.listdir(os.path.join(self.path, "data"))):
            for pid in sorted(os.listdir(os.path.join(self.path, "data", sub))):
                if pid.startswith(".tmp-"): continue
                if not is_id(pid): print(f"warning: data/{sub}/{pid} not the vault's"); continue
                seen.add(pid)
                data = open(self.pack_path(pid), "rb").read()
                if hashlib.sha256(data).hexdigest() != pid: err(f"pack {pid}: SHA-256 mismatch")
                if sub != pid[:2]: err(f"pack {pid} in wrong directory {sub}")
                try:
                    ep, entries, hdr_start = self.read_pack_header(pid, data)
                except Exception as e:
                    err(f"pack {pid}: header: {e!r}"); continue
                if pid in self.packs and self.packs[pid] != ep:
                    err(f"pack {pid}: index says epoch {self.packs[pid]}, header {ep}")
                pos = 0
                for e in entries:
                    if e["offset"] != pos: err(f"pack {pid}: blob {e['id'][:8]} not contiguous")
                    pos = e["offset"] + e["length"]
                    if struct.unpack(">I", data[e["offset"]:e["offset"] + 4])[0] != ep:
                        err(f"pack {pid}: blob epoch differs from header's")
                    locs = [l for l in self.index.get(e["id"], []) if l[0] == pid]
                    if pid in self.packs and not locs: err(f"pack {pid}: blob {e['id'][:8]} not in index")
                    for l in locs:
                        if (l[1], l[2], l[3], l[4], l[5]) != (e["offset"], e["length"], e["rawLength"], e["compressed"], e["type"]):
                            err(f"pack {pid}: index entry for {e['id'][:8]} differs from header")
                    if read_blobs:
                        self.decode_blob(data[e["offset"]:e["offset"] + e["length"]], e["id"], e["compressed"], e["rawLength"])
                if pos != hdr_start: err(f"pack {pid}: gap before header")
                if pid not in self.packs: print(f"note: pack {pid[:8]} unreferenced by the index")
                self.pack_stats[pid] = (ep, len(entries), entries[0]["type"] if entries else None)
        for pid in self.packs:
            if pid not in seen: err(f"indexed pack {pid} missing from data/")

    # ------------------------------------------------------------ blobs
    def decode_blob(self, unit, bid, compressed, raw_len):
        ep, pt = open_unit(self.data_key, unit, b"opsledger-vault blob")
        if compressed: pt = zstd_decompress(pt)
        if len(pt) != raw_len: err(f"blob {bid[:8]}: raw length {len(pt)} != {raw_len}")
        if hmac.new(self.id_key, pt, hashlib.sha256).hexdigest() != bid:
            err(f"blob {bid}: content ID mismatch")
        self.blobs_checked += 1
        return pt

    def condemned_blobs(self):
        """§10: a blob a prune condemned while a backup that referenced it ran is found through condemned/<pack-id>."""
        if getattr(self, "_condemned", None) is None:
            self._condemned = {}
            for f in self.list_dir("condemned"):
                ep, pt = self.open_sealed("condemned/" + f, b"opsledger-vault condemned", check_name=False)
                pk = json.loads(pt)["pack"]
                for bl in pk["blobs"]:
                    self._condemned.setdefault(bl["id"], []).append(
                        (pk["id"], bl["offset"], bl["length"], bl["rawLength"], bl["compressed"], bl["type"], pk["epoch"]))
        return self._condemned

    def read_blob(self, bid):
        locs = self.index.get(bid) or self.condemned_blobs().get(bid)
        if not locs: raise KeyError(f"blob {bid} not in index")
        pid, off, ln, raw, comp, typ, ep = locs[0]
        with open(self.pack_path(pid), "rb") as f:
            f.seek(off); unit = f.read(ln)
        return self.decode_blob(unit, bid, comp, raw)

    # ------------------------------------------------------------ trees (§8)
    def read_tree(self, tid):
        if tid in self.tree_cache: return self.tree_cache[tid]
        b = self.read_blob(tid)
        nodes = parse_tree(b)
        self.tree_cache[tid] = nodes
        return nodes


def parse_tree(b):
    if b[:1] == b"{":
        nodes = json.loads(b)["nodes"]
        for n in nodes:   # format 1: names with \uDCxx escapes = surrogateescape
            n["name"] = n["name"].encode("utf-8", "surrogateescape")
            if "linkTarget" in n: n["linkTarget"] = n["linkTarget"].encode("utf-8", "surrogateescape")
            if "xattrs" in n: n["xattrs"] = {k: base64.b64decode(v) for k, v in n["xattrs"].items()}
            if "permissionXattrs" in n: n["permissionXattrs"] = {k: base64.b64decode(v) for k, v in n["permissionXattrs"].items()}
        check_order(nodes)
        return nodes
    if b[:4] != b"OLVT": raise ValueError("unknown tree encoding")
    enc = b[4]
    if enc not in (1, 2, 3): raise ValueError(f"unknown tree encoding byte {enc}")
    pos = 5
    def take(n):
        nonlocal pos
        if pos + n > len(b): raise ValueError("tree truncated")
        v = b[pos:pos + n]; pos += n; return v
    def u32(): return struct.unpack(">I", take(4))[0]
    def i32(): return struct.unpack(">i", take(4))[0]
    def i64(): return struct.unpack(">q", take(8))[0]
    def s(): return take(u32())
    count = u32()
    if count > len(b) - pos: raise ValueError("count larger than bytes left")
    types = ["file", "dir", "symlink", "fifo", "chardev", "blockdev"]
    nodes = []
    for _ in range(count):
        t = take(1)[0]
        if t > (2 if enc == 1 else 5): raise ValueError(f"unknown node type {t}")
        fl = take(1)[0]
        n = {"type": types[t]}
        if fl & 16: n["name"] = s()
        n["mode"] = u32(); n["mtime"] = i64(); n["ctime"] = i64(); n["inode"] = i64(); n["device"] = i64()
        n["uid"] = i32(); n["gid"] = i32(); n["size"] = i64(); n["links"] = i32()
        if fl & 1:
            c = u32()
            if c * 32 > len(b) - pos: raise ValueError("content count larger than bytes left")
            n["content"] = [take(32).hex() for _ in range(c)]
        if fl & 2: n["subtree"] = take(32).hex()
        if fl & 4: n["linkTarget"] = s()
        if fl & 8:
            c = u32()
            # "base64 value: str" -- the value is stored as base64 text, as in JSON
            n["xattrs"] = {s().decode(): base64.b64decode(s()) for _ in range(c)}
        if fl & 32: n["rdev"] = i64()
        if fl & 64:
            if enc < 3: raise ValueError(f"flag 64 (ACLs, capability) in a tree of encoding {enc}")
            c = u32()
            n["permissionXattrs"] = {s().decode(): base64.b64decode(s()) for _ in range(c)}
        if fl & ~127: raise ValueError(f"unknown flags {fl}")
        nodes.append(n)
    if pos != len(b): raise ValueError("bytes after the last node")
    check_order(nodes)
    return nodes


def check_order(nodes):
    """§8: nodes sorted by name in UTF-16 code units, bytes that are not UTF-8 as U+DC80-U+DCFF."""
    keys = [n.get("name", b"").decode("utf-8", "surrogateescape").encode("utf-16-be", "surrogatepass") for n in nodes]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        err("a tree's nodes are not sorted by name, or a name repeats: " + repr([n.get("name") for n in nodes][:5]))


def safe_name(name):
    return name not in (b"", b".", b"..") and b"/" not in name and b"\0" not in name


class Restorer:
    def __init__(self, repo, target):
        self.repo = repo; self.target = target
        self.hardlinks = {}; self.dirs = []; self.counts = dict(files=0, dirs=0, symlinks=0, fifos=0, devices=0, hardlinks=0, bytes=0)
        self.root = os.geteuid() == 0

    def restore_tree(self, tid, path):
        for n in self.repo.read_tree(tid):
            name = n["name"]
            if not safe_name(name): raise ValueError(f"unsafe name {name!r}")
            p = os.path.join(path, name)
            t = n["type"]
            if t == "dir":
                os.mkdir(p, 0o700)
                self.counts["dirs"] += 1
                self.restore_tree(n["subtree"], p)
                self.dirs.append((p, n))
                continue
            if t == "file":
                key = (n["device"], n["inode"])
                if n.get("links", 0) > 1 and key in self.hardlinks:
                    os.link(self.hardlinks[key], p); self.counts["hardlinks"] += 1
                    continue
                with open(p, "xb") as f:
                    for bid in n.get("content", []):
                        d = self.repo.read_blob(bid); f.write(d); self.counts["bytes"] += len(d)
                    if f.tell() != n["size"]: err(f"{p!r}: size {f.tell()} != {n['size']}")
                if n.get("links", 0) > 1: self.hardlinks[key] = p
                self.counts["files"] += 1
            elif t == "symlink":
                os.symlink(n["linkTarget"], p); self.counts["symlinks"] += 1
            elif t == "fifo":
                os.mkfifo(p, 0o600); self.counts["fifos"] += 1
            elif t in ("chardev", "blockdev"):
                if not self.root: print(f"device {p!r} not created (not root)"); continue
                os.mknod(p, (stat.S_IFCHR if t == "chardev" else stat.S_IFBLK) | 0o600, n.get("rdev", 0))
                self.counts["devices"] += 1
            self.apply_meta(p, n)

    def apply_meta(self, p, n):
        link = n["type"] == "symlink"
        if self.root:
            os.lchown(p, n["uid"], n["gid"])
        if not link:
            os.chmod(p, n["mode"] & 0o7777)
            for k, v in n.get("xattrs", {}).items():
                os.setxattr(p, b"user." + k.encode(), v, follow_symlinks=False)
            # §8: the ACLs after the mode (they set the group bits to their mask, which the mode holds), the capability
            # last (a chown or a write clears it; root only); no other name is ever set from this field
            acls = n.get("permissionXattrs", {})
            for k in ("system.posix_acl_access", "system.posix_acl_default"):
                if k in acls: os.setxattr(p, k, acls[k], follow_symlinks=False)
            if "security.capability" in acls:
                if self.root: os.setxattr(p, "security.capability", acls["security.capability"], follow_symlinks=False)
                else: print(f"file capability of {p!r} not set (not root)")
        os.utime(p, ns=(n["mtime"], n["mtime"]), follow_symlinks=False)

    def finish(self):
        for p, n in sorted(self.dirs, key=lambda x: -x[0].count(b"/")):
            self.apply_meta(p, n)


def epoch_nanos(t):
    """'2026-12-05T01:16:07.1Z' as '1796433367.100000000' (§13): integer arithmetic, no float, no microsecond cut."""
    date, clock = t.rstrip("Z").split("T")
    hms, _, frac = clock.partition(".")
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, sec = (int(x) for x in hms.split(":"))
    import datetime
    days = (datetime.date(y, mo, d) - datetime.date(1970, 1, 1)).days
    return f"{days * 86400 + h * 3600 + mi * 60 + sec}.{(frac + '000000000')[:9]}"

def entry_lines(e):
    return [e["operation"], e["outcome"], epoch_nanos(e["started"]),
            epoch_nanos(e["finished"]) if e.get("finished") else "", e.get("host") or "", e.get("username") or "",
            str(e["exitCode"]), ",".join(e.get("snapshots") or [])]

def sha16(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

def entry_digest(e):
    """§13 "Deletion made evident": what names an entry in a check's covers, from its plaintext, not its file."""
    return sha16("".join(l + "\n" for l in entry_lines(e)))

def entry_content(e):
    """§13: the digests of an entry's content a covers line carries since session 38 (whole, who, what)."""
    def value(v):  # its length in UTF-8 bytes, ':' and itself; '-' where absent
        return "-\n" if v is None else f"{len(v.encode('utf-8'))}:{v}\n"
    def values(vs):
        return f"{len(vs)}\n" + "".join(value(v) for v in vs)
    slot = e.get("keySlot") or {}
    text = "".join(l + "\n" for l in entry_lines(e))
    text += values(e.get("paths") or []) + value(e.get("detail")) + ("true" if e.get("verified") else "false") + "\n" + value(e.get("sourceHost"))
    what = sha16(text)
    text += value(e.get("login")) + value(slot.get("id")) + value(slot.get("label"))
    who = sha16(text)
    verified = slot.get("labelVerified")
    text += ("-" if verified is None else "true" if verified else "false") + "\n"
    text += values(e.get("replacedTrees") or []) + value(e.get("readTo")) + values(e.get("damagedPacks") or [])
    text += values(e.get("covers") or []) + values(e.get("lostEntries") or [])
    return sha16(text), who, what

def line_name(line):
    """What names the entry a covers line names in an anchor: its whole content digest (the last word,
    content=WHOLE,WHO,WHAT, since session 38), else its digest (the first word)."""
    last = line.split(" ")[-1]
    return last[len("content="):].split(",")[0] if last.startswith("content=") else line.split(" ")[0]

def verify_covers(entries, anchor):
    """Every entry a check named is still in the journal (unless a repair's lostEntries names it lost), as it was
    where the line gives its content, and, given an anchor an auditor wrote down (`vault journal --anchor`), the
    journal up to its check is whole (§13)."""
    # a stand-in (exit 137, "did not end ...") is never named: its command takes it back
    entries = [e for e in entries
               if not (e["outcome"] == "failed" and e["exitCode"] == 137 and (e.get("detail") or "").startswith("did not end"))]
    here = {entry_digest(e) for e in entries}
    contents = {}  # by digest: the content digests of each entry of that digest, and whether it lacks what older builds drop
    for e in entries:
        lacks37 = not e.get("covers") and not e.get("lostEntries")
        contents.setdefault(entry_digest(e), []).append((entry_content(e), lacks37, lacks37 and not e.get("login") and not e.get("keySlot")))
    wholes = {c[0] for cs in contents.values() for c, _, _ in cs}
    covers, lost, newest, content_named, rewritten = {}, set(), None, {}, set()
    for e in entries:
        if e["operation"] == "check" and e.get("covers"):
            d, whole = entry_digest(e), entry_content(e)[0]
            covers[d] = covers[whole] = [line_name(line) for line in e["covers"]]
            for line in e["covers"]:
                if line_name(line) != line.split(" ")[0]:
                    content_named[line_name(line)] = line
            if newest is None or (e["started"], whole) > newest: newest = (e["started"], whole)
        if e["operation"] == "repair":
            lost |= {line.split(" ")[0] for line in e.get("lostEntries") or []}
    named = {n for ns in covers.values() for n in ns}
    for n in sorted({n for n in named if n not in content_named} - here):
        (print if n in lost else err)(f"journal entry {n}, which a check named, is not in the journal"
                                      + (" (a repair named it lost with a damaged file)" if n in lost else ": deleted from the store"))
    for whole, line in sorted(content_named.items()):
        d, (_, who, what) = line.split(" ")[0], line.split(" ")[-1][len("content="):].split(",")
        if whole in wholes: continue
        if d not in here:
            (print if d in lost else err)(f"journal entry {d}, which a check named, is not in the journal"
                                          + (" (a repair named it lost with a damaged file)" if d in lost else ": deleted from the store"))
            continue
        older = [c[1] == who and l37 or c[2] == what and lwho for c, l37, lwho in contents[d]]
        if not any(older): rewritten.add(d)
        (print if any(older) else err)(f"journal entry {d}, which a check named, is no longer as it read it"
                                       + (": it lacks fields an older build drops" if any(older) else ": rewritten"))
    backdated(entries, rewritten)
    def gathered(check):  # the check, what it named, and what each check among those named in turn
        seen, todo = set(), [check]
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d); todo += covers.get(d, [])
        return seen, f"{check}:{len(seen)}:" + hashlib.sha256("".join(d + "\n" for d in sorted(seen)).encode()).hexdigest()
    print(f"journal: {len(named)} entries named by {len(covers) // 2} check(s), {len(named - here - wholes)} of them missing"
          + (f"; anchor at the newest check: {gathered(newest[1])[1]}" if newest else ""))
    if anchor:
        anchor = anchor.strip().lower()
        check = anchor.split(":")[0]
        if check not in covers: err(f"anchor {anchor}: the check it was taken at is not in the journal (or names nothing)"); return
        seen, now = gathered(check)
        if check in here:  # an anchor of session 37: by digests alone
            covers37 = {entry_digest(e): [l.split(" ")[0] for l in e["covers"]] for e in entries if e["operation"] == "check" and e.get("covers")}
            seen, todo = set(), [check]
            while todo:
                d = todo.pop()
                if d not in seen:
                    seen.add(d); todo += covers37.get(d, [])
            now = f"{check}:{len(seen)}:" + hashlib.sha256("".join(d + "\n" for d in sorted(seen)).encode()).hexdigest()
        if now != anchor: err(f"anchor {anchor}: the journal up to its check gives {now}")
        elif seen - here - wholes: err(f"anchor {anchor}: {len(seen - here - wholes)} entr(ies) it covers are not in the journal as they were")
        else: print(f"anchor {anchor}: verified, every entry it covers is in the journal as it was")

SKEW = 3600 * 10**9  # §13 "Backdated entries": an hour, in nanoseconds

def nanos(t):
    sec, frac = epoch_nanos(t).split(".")
    return int(sec) * 10**9 + int(frac)

# §13 "Acknowledged findings": a check entry without covers whose detail says what an operator acknowledged, and why
ACKNOWLEDGED = re.compile(r"acknowledged entry ([0-9a-f]{16}) \((dated in the future|two lines|fields dropped)\): (.*) \(by (.*)\)", re.S)

def backdated(entries, rewritten=frozenset()):
    """§13 "Backdated entries", from the document: an entry that started more than an hour before the repository's
    earliest init (but a hold a tier of a build before 2026-12-07 carried, dated at the near-line hold's start), or that
    ended more than an hour before a check with covers began that did not name it, no check before that one having
    named it, is an error; a warning where the checks ran on two lines that fork (the other line's check, the one that
    named it or, for one none named, one no check named, read none of the checks that missed it, and read entries the
    first of those read too, the newest of them ending before it did, with the hour). `entries`: no stand-ins."""
    inits = sorted(((nanos(e["started"]), e) for e in entries if e["operation"] == "init"), key=lambda x: x[0])
    here, checks, covers, first_named = {}, {}, {}, {}
    for e in entries:
        d = entry_digest(e)
        here.setdefault(d, []).append(e)
        if e["operation"] == "check" and e.get("covers"):
            start = nanos(e["started"])
            # a check read what every entry of its digest names (a copy with covers cut stands for none of it)
            covers.setdefault(d, set()).update(line.split(" ")[0] for line in e["covers"])
            for line in e["covers"]:
                n = line.split(" ")[0]
                if n not in first_named or start < first_named[n][0]: first_named[n] = (start, d, e)
    def end(e): return nanos(e["finished"]) if e.get("finished") else nanos(e["started"])
    # a check or the init dated more than the hour after a check that read it ended (the first to name it), or after
    # this reading began, is dated in the future: it is named, and bounds nothing
    now, ahead, ahead_lines = time.time_ns(), set(), []
    bounds = [(d, es[-1]) for d, es in here.items() if d in covers] + ([(entry_digest(inits[0][1]), inits[0][1])] if inits else [])
    for d, e in sorted(bounds, key=lambda x: nanos(x[1]["started"])):
        namer = first_named.get(d)
        read_by = end(namer[2]) if namer and namer[2].get("finished") else None
        if read_by is not None and nanos(e["started"]) > read_by + SKEW:
            ahead.add(d)
            ahead_lines.append((d, f"the {e['operation']}" + (f" on {e['host']}" if e.get("host") else "")
                                + f" started {e['started']} (entry {d}) is dated after the check started {namer[2]['started']} ended, which read it"))
        elif nanos(e["started"]) > now + SKEW:
            ahead.add(d)
            ahead_lines.append((d, f"the {e['operation']}" + (f" on {e['host']}" if e.get("host") else "")
                                + f" started {e['started']} (entry {d}) is dated after this reading began"))
    for d, es in here.items():
        for e in es:
            if d in covers and d not in ahead: checks.setdefault(nanos(e["started"]), (d, e))
    init = inits[0][0] if inits and entry_digest(inits[0][1]) not in ahead else None
    named = {n for ns in covers.values() for n in ns}
    heads = sorted(((nanos(e["started"]), d, e) for d, es in here.items() for e in es if d in covers and d not in named),
                   key=lambda x: x[0])
    def read_by(check):
        seen, todo = set(), [check]
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d); todo += covers.get(d, [])
        return seen
    def apart(other, missed, ended):
        read = read_by(other)
        if any(m in read for _, m, _ in missed): return False  # one line: it read a check that missed the entry
        both = [end(x) for d in read & read_by(missed[0][1]) for x in here.get(d, [])]
        return bool(both) and ended + SKEW >= max(both)
    found = []
    for d, es in here.items():
        for e in es:
            what = f"the {e['operation']}" + (f" on {e['host']}" if e.get("host") else "") + f" started {e['started']} (entry {d})"
            detail = e.get("detail") or ""
            carried = e["operation"] == "hold" and ", carried by tier from snapshot " in detail and ", held there since " not in detail
            if init is not None and nanos(e["started"]) < init - SKEW and not carried:
                found.append((nanos(e["started"]), err, f"journal entry backdated: {what} is dated before the repository's init", d))
                continue
            ended = end(e)
            namer = first_named.get(d)
            named_at = namer[0] if namer else None
            n = namer
            while n and n[1] in ahead:  # its namer dated ahead read it before the check that named that one began
                n = first_named.get(n[1])
                named_at = n[0] if n else None
            # but for a check that read it through the checks it read (the one naming it, on a clock ahead of its own)
            missed = [(t, c, ce) for t, (c, ce) in sorted(checks.items()) if t > ended + SKEW and (named_at is None or t < named_at)
                      and d not in read_by(c)]
            if not missed: continue
            candidates = [(namer[1], namer[2])] if namer else [(h, he) for _, h, he in heads]
            other = next((oe for o, oe in candidates if apart(o, missed, ended)), None)
            if other is None:
                found.append((nanos(e["started"]), err, f"journal entry backdated: {what} ended before the check started"
                              f" {missed[0][2]['started']} began, which read every entry there was and not this one", d))
            else:
                found.append((nanos(e["started"]), print, f"journal entry {what} ended before the check started {missed[0][2]['started']}"
                              f" began, which did not read it; the other line's check, started {other['started']}, read none of the"
                              f" checks that missed it: two lines of checks (copies merged back), or backdated", d))
    # an acknowledgement stands unless its own entry is rewritten or backdated; the earliest of each entry and finding counts
    forged = rewritten | {f[3] for f in found if f[1] is err}
    acks = {}
    for e in sorted(entries, key=lambda e: nanos(e["started"])):
        m = ACKNOWLEDGED.fullmatch(e.get("detail") or "") if e["operation"] == "check" and not e.get("covers") else None
        if m and entry_digest(e) not in forged: acks.setdefault((m.group(1), m.group(2)), (e, m))
    for d, line in ahead_lines:
        if (d, "dated in the future") in acks:
            e, m = acks[(d, "dated in the future")]
            print(f"journal entry dated in the future, acknowledged: {line}; acknowledged {e['started']} by {m.group(4)}: {m.group(3)}")
        else:
            err(f"journal entry dated in the future: {line}")
    for _, say, line, d in sorted(found, key=lambda x: x[0]):
        kind = "two lines" if say is print else None
        if kind and (d, kind) in acks:
            e, m = acks[(d, kind)]
            print(f"{line}; acknowledged {e['started']} by {m.group(4)}: {m.group(3)}")
        else:
            say(line)
    print(f"journal: {sum(1 for f in found if f[1] is err)} entr(ies) backdated, {sum(1 for f in found if f[1] is print)} on two lines")

def main():
    args = sys.argv[1:]
    if len(args) < 2: print(__doc__); sys.exit(2)
    repo_path, pwfile = args[0], args[1]
    out = args[args.index("--restore") + 1] if "--restore" in args else None
    anchor = args[args.index("--anchor") + 1] if "--anchor" in args else None
    password = open(pwfile, "rb").read()
    # docs/operations.md: one trailing line end is not part of the password
    if password.endswith(b"\n"): password = password[:-1]
    if password.endswith(b"\r"): password = password[:-1]
    r = Repo(repo_path, password)
    r.blobs_checked = 0; r.pack_stats = {}
    print(f"config: {r.config}")
    print(f"opened with slot {r.slot}; keyring epoch {r.keyring_epoch}, currentEpoch {r.keyring['currentEpoch']}, "
          f"epochs {sorted(r.data_keys)}, other keyring fields {sorted(set(r.keyring) - {'idKey','gearSeed','currentEpoch','epochs'})}")
    r.load_index()
    print(f"index: {len(r.index_files)} file(s) {r.index_files}, {len(r.packs)} packs, {len(r.index)} blobs")
    r.verify_packs(read_blobs=True)
    for pid, (ep, n, typ) in sorted(r.pack_stats.items()):
        print(f"  pack {pid[:12]} epoch {ep} {n:5d} {typ} blob(s)")
    print(f"all packs read, {r.blobs_checked} blobs authenticated and content IDs recomputed")

    snaps = {}
    for f in r.list_dir("snapshots"):
        ep, pt = r.open_sealed("snapshots/" + f, b"opsledger-vault snapshot")
        snaps[f] = json.loads(pt); snaps[f]["_epoch"] = ep
    for sid, s in sorted(snaps.items(), key=lambda x: x[1]["time"]):
        print(f"snapshot {sid[:8]} epoch {s['_epoch']} {s['time']} {s['kind']} {s['paths']} tree {s['tree'][:8]} parent {str(s.get('parent'))[:8]} tags {s['tags']}")
    for f in r.list_dir("holds"):
        ep, pt = r.open_sealed("holds/" + f, b"opsledger-vault hold", check_name=False)
        h = json.loads(pt)
        if h["snapshot"] != f: err(f"hold {f}: names snapshot {h['snapshot']}")
        if f not in snaps: err(f"hold {f}: no such snapshot")
        print(f"hold {f[:8]} epoch {ep}: {h['reason']!r} by {h['heldBy']} at {h['heldAt']}; also {[a['reason'] for a in h.get('alsoHeldFor', [])]}")
    for f in r.list_dir("condemned"):
        ep, pt = r.open_sealed("condemned/" + f, b"opsledger-vault condemned", check_name=False)
        print(f"condemned {f[:8]} epoch {ep}: {pt[:200]!r}")

    # journal (§13)
    segs = {}
    for f in r.list_dir("journal/segments"):
        ep, pt = r.open_sealed("journal/segments/" + f, b"opsledger-vault journal")
        segs[f] = json.loads(pt)
    merged_away = {m for s in segs.values() for m in (s.get("merged") or [])}
    compacted = {c for s in segs.values() for c in s.get("compacted", [])}  # any segment, merged-away too
    entries = []
    for f, s in segs.items():
        if f in merged_away: continue
        entries += [(e, "segment " + f[:8]) for e in s["entries"]]
    for f in r.list_dir("journal"):
        if f in compacted: continue
        ep, pt = r.open_sealed("journal/" + f, b"opsledger-vault journal")
        entries.append((json.loads(pt), "file " + f[:8]))
    print(f"journal: {len(segs)} segment(s), {len(entries)} entries")
    for e, src in sorted(entries, key=lambda x: x[0]["started"]):
        print(f"  {e['started'][:19]} {e['operation']:8s} {e['outcome']:10s} {src:16s} {e['detail'][:90]}")
    verify_covers([e for e, _ in entries], anchor)

    if out:
        os.makedirs(out, exist_ok=True)
        for sid, s in snaps.items():
            target = os.path.join(out, sid).encode()
            os.mkdir(target, 0o700)
            rs = Restorer(r, target)
            rs.restore_tree(s["tree"], target)
            rs.finish()
            print(f"restored {sid[:8]}: {rs.counts}")
    print(f"{r.blobs_checked} blob reads authenticated and ID-checked; {len(errors)} error(s)")
    sys.exit(1 if errors else 0)

if __name__ == "__main__":
    main()
