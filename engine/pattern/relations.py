"""The dependency relations graph patterns know, and the ones a phrase does not cross.

Trees come from the embedded parser (trained on UD English EWT), from CoNLL-U input or
from another parser. Relation names in a path (`>nsubj`, `<obl:agent`) are checked
against this list so that a typo is an error with the closest name; a label outside it
(another parser's scheme, say) can still be matched with a regex step (`>/^dobj$/`).
"""
from __future__ import annotations

# The 37 universal relations of UD v2.
UNIVERSAL = frozenset("""
acl advcl advmod amod appos aux case cc ccomp clf compound conj cop csubj dep det discourse
dislocated expl fixed flat goeswith iobj list mark nmod nsubj nummod obj obl orphan parataxis
punct reparandum root vocative xcomp
""".split())

# The subtypes of UD English EWT (release 2.13 and later: nmod:unmarked, obl:unmarked,
# nmod:desc), and those of its earlier releases, which older CoNLL-U files still carry.
EWT_SUBTYPES = frozenset("""
acl:relcl advcl:relcl aux:pass cc:preconj compound:prt csubj:outer csubj:pass det:predet
nmod:desc nmod:poss nmod:unmarked nsubj:outer nsubj:pass obl:agent obl:unmarked
""".split())
EARLIER_SUBTYPES = frozenset("""
flat:foreign nmod:npmod nmod:tmod obl:npmod obl:tmod det:poss
""".split())

RELATIONS = UNIVERSAL | EWT_SUBTYPES | EARLIER_SUBTYPES

# A phrase argument is a token with what it governs, except across these relations (and
# their subtypes: `acl:relcl`, `advcl:relcl`, `cc:preconj`): clauses, coordination,
# apposition and punctuation belong to phrases of their own.
PHRASE_BARRIERS = frozenset("""
acl advcl appos cc ccomp conj dep parataxis punct xcomp
""".split())

# ... nor the reached token's own markers: the word that ties it to its head
MARKERS = frozenset({"case", "mark"})


def universal_part(relation: str) -> str:
    """`acl` of `acl:relcl`: the relation without its subtype."""
    return relation.partition(":")[0]


def joins_phrase(relation: str) -> bool:
    """Whether a dependent attached by this relation is part of its head's phrase."""
    return universal_part(relation) not in PHRASE_BARRIERS
