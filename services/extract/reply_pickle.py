"""Read a sandbox child's reply without trusting it.

A child parses a hostile PDF in C code, so after the parse nothing it sends can be trusted: a
plain `pickle.loads` would let a child whose parser was subverted make the parent import and
call anything (pickle's GLOBAL and REDUCE opcodes). Pickle still carries page analyses a
fraction of the time and size of JSON, so the parent reads replies with an `Unpickler` whose
`find_class` knows only the reply classes and the records they hold: plain dataclasses and one
pydantic model, whose construction runs no code of the sender's choosing. Builtin containers
and scalars need no class lookup at all. Whatever else a reply names fails to load, and a
reply that is not a `ChildReply` is refused too.
"""

from __future__ import annotations

import io
import pickle

from shared.documents import PageInfo

from .core import DocumentFacts, PageResult, PagesResult
from .layout import Line, Span, Word
from .messages import ChildReply, Failed, Finished, Opened, PagesDone
from .tables import TableDraft

_REPLIES = (Opened, PagesDone, Finished, Failed)
_ALLOWED: dict[tuple[str, str], type] = {
    (cls.__module__, cls.__qualname__): cls
    for cls in (
        *_REPLIES,
        DocumentFacts,
        PagesResult,
        PageResult,
        PageInfo,
        Line,
        Span,
        Word,
        TableDraft,
    )
}


class _ReplyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"a child's reply may not name {module}.{name}") from None


def read_reply(payload: bytes) -> ChildReply:
    """The reply in `payload`; `pickle.UnpicklingError` (or another decoding error) if it
    names a class outside the allowed ones or is not a reply at all."""
    reply = _ReplyUnpickler(io.BytesIO(payload)).load()
    if not isinstance(reply, _REPLIES) or not _well_formed(reply):
        raise pickle.UnpicklingError(f"a child's reply is a malformed {type(reply).__name__}")
    return reply


def _well_formed(reply: ChildReply) -> bool:
    """Whether the fields the parent reads before the assembly have their types: a loaded
    dataclass was filled without its constructor, so nothing else has checked them."""
    match reply:
        case Opened(page_count=int(), scanned=bool()):
            return True
        case PagesDone(part=PagesResult(pages=list() as pages)):
            return all(isinstance(page, PageResult) for page in pages)
        case Finished(repaired=bool(), facts=None | DocumentFacts(page_count=int())):
            return True
        case Failed(reason=str(), message=str(), detected_type=str()):
            return True
    return False


def write_reply(reply: ChildReply) -> bytes:
    """The bytes a child sends for `reply`."""
    return pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
