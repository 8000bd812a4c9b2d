"""The media type of an evidence file (佐证材料): sniffed from its first bytes, else told
by its name. Nothing is refused by type; the type is only recorded and shown."""

from __future__ import annotations

#: Leading bytes → media type. Office's zip formats and old OLE files share a signature:
#: their name's extension then says which one.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"{\\rtf", "application/rtf"),
)

#: By extension (lower case, without the dot).
_BY_EXTENSION = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "webp": "image/webp",
    "heic": "image/heic",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "ofd": "application/ofd",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "mp4": "video/mp4",
}

#: Signatures several formats share: the extension may say more.
_CONTAINERS = {"application/zip", "application/x-ole-storage"}
UNKNOWN = "application/octet-stream"


def media_type(head: bytes, file_name: str) -> str:
    """The media type of a file whose content starts with *head* and is called *file_name*:
    ``application/pdf`` for ``%PDF-…``; a zip or OLE file named ``.docx``/``.xls`` is that
    Office type; otherwise the extension's type, else ``application/octet-stream``."""
    by_name = _BY_EXTENSION.get(file_name.rsplit(".", 1)[-1].lower()) if "." in file_name else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    for magic, sniffed in _MAGIC:
        if head.startswith(magic):
            if sniffed in _CONTAINERS and by_name is not None:
                return by_name
            return sniffed
    return by_name or UNKNOWN
