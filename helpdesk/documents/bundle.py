"""The evidence bundle: one ZIP a mediator can check file by file.

It holds the case file PDF, every original attachment, the original emails of a complaint
that came by email, `manifest.json` (each file's name, size and SHA-256, the audit chain's
head) and `SHA256SUMS` (the same hashes in the form `sha256sum -c` reads). Names inside
the ZIP are ours (a number and a cleaned name), never a path a customer chose.

The ZIP's comment carries a key (`bundle_key`): the case file's key and a stamp of every
original file. A bundle whose key is unchanged holds what a new one would hold (only the
moment it was made differs), so `cases export` can keep it instead of making it again.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files.storage import attachment_path
from ..files.uploads import safe_filename
from ..services.casefile import CaseFile, shop_name
from ..services.raw_email import raw_email_path
from .casefile import CaseFileSource, file_words

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
#: How the ZIP's comment starts; the key follows it.
KEY_MARK = b"helpdesk evidence bundle, key sha256:"
#: Already-compressed kinds are stored as they are; text is deflated.
_STORED_TYPES = ("image/", "application/pdf", "application/zip", "video/", "audio/")


@dataclass(frozen=True)
class Member:
    """One file of the bundle and what the manifest says about it."""

    name: str
    data: bytes
    kind: str  # case_file | attachment | email
    content_type: str
    extra: dict[str, Any]

    @property
    def sha256(self) -> str:
        """The file's SHA-256 (hex)."""
        return hashlib.sha256(self.data).hexdigest()


def bundle_name(case: CaseFile) -> str:
    """evidence-ABCD-EFGH-JK12[-internal].zip (bewijs-…[-intern].zip in Dutch)"""
    _name, bundle, internal = file_words(case)
    suffix = f"-{internal}" if case.internal else ""
    return f"{bundle}-{case.reference}{suffix}.zip"


def bundle_key(case: CaseFile, source: CaseFileSource) -> str:
    """What a bundle of this case would hold, as a SHA-256: its case file, and each original
    file's name, size and modification time as found on disk now (or that it is missing)."""
    digest = hashlib.sha256(f"bundle 1\0{source.key}\0".encode())
    for item in case.attachments:
        digest.update(_stamp(attachment_path(item), item.original_name, item.sha256))
    for email in case.inbound_emails:
        digest.update(_stamp(raw_email_path(email), email.received_at.isoformat(), email.sha256))
    return digest.hexdigest()


def _stamp(path: Path, *facts: str) -> bytes:
    try:
        found = path.stat()
    except OSError:
        return "\0".join(("missing", *facts, "")).encode()
    return "\0".join((str(found.st_size), str(found.st_mtime_ns), *facts, "")).encode()


def stored_key(path: Path) -> str | None:
    """The key in the comment of the bundle at `path` (None: no bundle, or not one of ours)."""
    try:
        with zipfile.ZipFile(path) as archive:
            comment = archive.comment
    except (OSError, zipfile.BadZipFile):
        return None
    return comment[len(KEY_MARK) :].decode("ascii") if comment.startswith(KEY_MARK) else None


def evidence_bundle(case: CaseFile, pdf: bytes, pdf_name: str, key: str | None = None) -> bytes:
    """The ZIP of a case file (its PDF already rendered) with every original file; `key`
    (from bundle_key, read before the files were) goes in its comment."""
    members = [Member(pdf_name, pdf, "case_file", "application/pdf", {})]
    missing: list[dict[str, Any]] = []
    for number, item in enumerate(case.attachments, start=1):
        path = attachment_path(item)
        record = {
            "original_name": item.original_name,
            "recorded_sha256": item.sha256,
            "uploaded_by": item.uploaded_by,
            "purpose": item.purpose,
        }
        if not path.is_file():
            missing.append({"name": item.original_name, "sha256": item.sha256, "size": item.size})
            continue
        name = f"attachments/{number:03d}-{safe_filename(item.original_name)}"
        members.append(Member(name, path.read_bytes(), "attachment", item.content_type, record))
    for number, email in enumerate(case.inbound_emails, start=1):
        path = raw_email_path(email)
        if not path.is_file():
            missing.append({"name": f"email {number}", "sha256": email.sha256, "size": email.size})
            continue
        extra = {"received_at": email.received_at.isoformat(), "recorded_sha256": email.sha256}
        members.append(
            Member(f"emails/{number:03d}.eml", path.read_bytes(), "email", "message/rfc822", extra)
        )
    return _zip(case, members, missing, key)


def manifest(
    case: CaseFile, members: list[Member], missing: list[dict[str, Any]]
) -> dict[str, Any]:
    """What manifest.json says: the case, the audit chain head and every file's hash."""
    return {
        "shop": shop_name(),
        "reference": case.reference,
        "variant": "internal" if case.internal else "customer",
        "generated_at": case.generated_at.isoformat(),
        "audit_chain": {
            "head": case.chain_head,
            "events": case.chain_length,
            "intact": case.chain_intact,
            "algorithm": "sha256(prev_hash ':' sha256(canonical event JSON))",
        },
        "files": [
            {
                "name": m.name,
                "kind": m.kind,
                "content_type": m.content_type,
                "size": len(m.data),
                "sha256": m.sha256,
                **m.extra,
            }
            for m in members
        ],
        "missing_files": missing,
    }


def _zip(
    case: CaseFile, members: list[Member], missing: list[dict[str, Any]], key: str | None
) -> bytes:
    moment = case.generated_at.timetuple()[:6]
    text = json.dumps(manifest(case, members, missing), indent=2, ensure_ascii=False)
    sums = "".join(f"{m.sha256}  {m.name}\n" for m in members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member in members:
            _add(archive, member.name, member.data, moment, _stored(member.content_type))
        _add(archive, MANIFEST, text.encode("utf-8"), moment, False)
        _add(archive, SUMS, sums.encode("utf-8"), moment, False)
        if key is not None:
            archive.comment = KEY_MARK + key.encode("ascii")
    return out.getvalue()


def _stored(content_type: str) -> bool:
    return content_type.startswith(_STORED_TYPES)


def _add(
    archive: zipfile.ZipFile,
    name: str,
    data: bytes,
    moment: tuple[int, ...],
    stored: bool,
) -> None:
    info = zipfile.ZipInfo(name, date_time=moment)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_bundle(target: Path, data: bytes) -> None:
    """Write a bundle next to its final name first, so a reader never sees half a ZIP."""
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)
