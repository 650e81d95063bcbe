"""A pack's vocabulary (``vocabulary.toml``): ONE drug table and the words questions use.

The drug table gives each drug's generic name, its brands, its other names (abbreviations and
other spellings written in records, such as "HCTZ" or "frusemide"), common misspellings,
its classes and, for a combination product, the drugs it stands for. Record extraction and
the query normaliser both read it: records find every name in a document; the normaliser
maps one-word names to the generic, corrects misspellings and fuzzy-matches unknown words
onto the known terms (:class:`Lexicon`). Besides drugs the file holds regimen abbreviations
(records), and the abbreviations, misspellings and terms of the normaliser."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from desktop.core.packdata import checks

_DRUG_LISTS = ("brands", "names", "misspellings", "classes", "combines")
_FILE_KEYS = {"drugs", "classes", "regimens", "abbreviations", "misspellings", "terms"}


@dataclass(frozen=True)
class Drug:
    generic: str
    brands: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # abbreviations and other spellings ("HCTZ", "frusemide")
    misspellings: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    combines: tuple[str, ...] = ()  # a combination product: the drugs it stands for
    # one of the pack's own treatments: a longer unknown word in a question close to one of
    # its names is corrected to it (everyday words come too close to other medicines' brands:
    # "liquids" is not "Eliquis")
    fuzzy: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        """The ways a record or a question writes it correctly."""
        return (self.generic, *self.brands, *self.names)


@dataclass(frozen=True)
class DrugClass:
    name: str
    terms: tuple[str, ...] = ()  # words a question or section uses for the class
    tags: tuple[str, ...] = ()  # section tags her treatment in this class points to


@dataclass(frozen=True)
class Lexicon:
    """What the query normaliser needs, derived from a vocabulary."""

    names: dict[str, str]  # a one-word brand or other name -> its generic name
    expansions: dict[str, str]  # abbreviations and casual words -> the words packs use
    misspellings: dict[str, str]  # a frequent misspelling -> the word meant
    terms: frozenset[str]  # what fuzzy correction may map an unknown word onto
    term_list: tuple[str, ...]  # the same, sorted
    known: frozenset[str]  # words never corrected: the terms and every drug's names


@dataclass(frozen=True)
class Vocabulary:
    drugs: tuple[Drug, ...] = ()
    classes: dict[str, DrugClass] = field(default_factory=dict)
    regimens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # case-sensitive
    abbreviations: dict[str, str] = field(default_factory=dict)
    misspellings: dict[str, str] = field(default_factory=dict)  # besides drug names
    terms: tuple[str, ...] = ()  # besides drug names

    @cached_property
    def by_generic(self) -> dict[str, Drug]:
        return {d.generic.lower(): d for d in self.drugs}

    def drug(self, generic: str) -> Drug | None:
        return self.by_generic.get(generic.lower())

    def aliases(self, generic: str) -> set[str]:
        """A drug's generic name, its words and its brands, lower-case (for topic matching)."""
        low = generic.lower()
        drug = self.drug(low)
        brands = {b.lower() for b in drug.brands} if drug else set()
        return {low, *low.split(), *brands}

    def class_words(self, generic: str, kind: str) -> set[str]:
        """The ``terms`` or ``tags`` of the drug's classes."""
        drug = self.drug(generic)
        out: set[str] = set()
        for name in drug.classes if drug else ():
            cls = self.classes.get(name)
            out.update(getattr(cls, kind) if cls else ())
        return out

    @cached_property
    def record_names(self) -> dict[str, str]:
        """Every name a record may write (lower-case) -> the generic name it stands for. A
        combination product's own key is not a name: its brands are."""
        out: dict[str, str] = {}
        for drug in self.drugs:
            names = drug.spellings[1:] if drug.combines else drug.spellings
            for name in names:
                out[name.lower()] = drug.generic
        return out

    @cached_property
    def lexicon(self) -> Lexicon:
        names = {
            name.lower(): drug.generic.lower()
            for drug in self.drugs
            for name in (*drug.brands, *drug.names)
            if " " not in name
        }
        misspellings = dict(self.misspellings)
        for drug in self.drugs:
            for wrong in drug.misspellings:
                misspellings[wrong.lower()] = _closest(wrong.lower(), drug)
        terms = frozenset(
            {w for drug in self.drugs if drug.fuzzy for w in _words_of(drug)}
            | set(misspellings.values())
            | set(self.terms)
        )
        known = terms | set(names) | {w for drug in self.drugs for w in _words_of(drug)}
        return Lexicon(
            names,
            dict(self.abbreviations),
            misspellings,
            terms,
            tuple(sorted(terms)),
            frozenset(known),
        )


def _words_of(drug: Drug) -> set[str]:
    """Its one-word brands and other names, and the words of its generic name."""
    one_word = {n.lower() for n in (*drug.brands, *drug.names) if " " not in n}
    return one_word | set(drug.generic.lower().split())


def _closest(wrong: str, drug: Drug) -> str:
    """The spelling of the drug a misspelling is nearest to (a misspelt brand -> the brand)."""
    spellings = [s.lower() for s in drug.spellings if " " not in s] or [drug.generic.lower()]
    return max(spellings, key=lambda s: difflib.SequenceMatcher(None, wrong, s).ratio())


def parse_vocabulary(data: dict[str, Any], problems: list[str]) -> Vocabulary:
    """The vocabulary in a ``vocabulary.toml``'s tables; problems are appended, never raised."""
    where = "vocabulary.toml"
    checks.unknown_keys(data, _FILE_KEYS, where, problems)
    drugs = [
        _drug(name, entry, problems)
        for name, entry in checks.table(data.get("drugs"), f"{where}: [drugs]", problems).items()
    ]
    classes: dict[str, DrugClass] = {}
    for name, entry in checks.table(data.get("classes"), f"{where}: [classes]", problems).items():
        entry = checks.table(entry, f"{where}: classes.{name}", problems)
        checks.unknown_keys(entry, {"terms", "tags"}, f"{where}: classes.{name}", problems)
        classes[name] = DrugClass(
            name,
            checks.strings(entry.get("terms"), f"{where}: classes.{name}.terms", problems),
            checks.strings(entry.get("tags"), f"{where}: classes.{name}.tags", problems),
        )
    regimens = {
        abbr: checks.strings(names, f"{where}: regimens.{abbr}", problems)
        for abbr, names in checks.table(
            data.get("regimens"), f"{where}: [regimens]", problems
        ).items()
    }
    vocabulary = Vocabulary(
        tuple(d for d in drugs if d is not None),
        classes,
        regimens,
        _words(data.get("abbreviations"), f"{where}: [abbreviations]", problems),
        _words(data.get("misspellings"), f"{where}: [misspellings]", problems),
        checks.strings(
            checks.table(data.get("terms"), f"{where}: [terms]", problems).get("words"),
            f"{where}: terms.words",
            problems,
        ),
    )
    _check_references(vocabulary, problems)
    return vocabulary


def _drug(generic: str, raw: object, problems: list[str]) -> Drug | None:
    where = f"vocabulary.toml: drugs.{generic}"
    entry = checks.entry(raw, where, problems, {*_DRUG_LISTS, "fuzzy"})
    if entry is None:
        return None
    lists = {key: checks.strings(entry.get(key), f"{where}.{key}", problems) for key in _DRUG_LISTS}
    fuzzy = checks.flag(entry.get("fuzzy"), f"{where}.fuzzy", problems, False)
    return Drug(generic, **lists, fuzzy=fuzzy)


def _words(value: object, where: str, problems: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, word in checks.table(value, where, problems).items():
        if isinstance(word, str) and word.strip():
            out[key.lower()] = word.strip()
        else:
            problems.append(f"{where}: '{key}' must map to a non-empty string")
    return out


def _check_references(vocabulary: Vocabulary, problems: list[str]) -> None:
    known = {d.generic.lower() for d in vocabulary.drugs}
    seen: dict[str, str] = {}
    for drug in vocabulary.drugs:
        for name in drug.spellings:
            other = seen.setdefault(name.lower(), drug.generic)
            if other != drug.generic:
                problems.append(
                    f"vocabulary.toml: '{name}' is a name of both {other} and {drug.generic}"
                )
        for cls in drug.classes:
            if cls not in vocabulary.classes:
                problems.append(f"vocabulary.toml: drugs.{drug.generic}: unknown class '{cls}'")
        _known_drugs(drug.combines, known, f"drugs.{drug.generic}.combines", problems)
    for abbr, drugs in vocabulary.regimens.items():
        _known_drugs(drugs, known, f"regimens.{abbr}", problems)


def _known_drugs(names: Iterable[str], known: set[str], where: str, problems: list[str]) -> None:
    for name in names:
        if name.lower() not in known:
            problems.append(f"vocabulary.toml: {where}: '{name}' is not a drug in [drugs]")


def merge(vocabularies: Iterable[Vocabulary]) -> Vocabulary:
    """Several packs' vocabularies as one: a drug known to several packs has all their names;
    for a word mapped differently the first pack wins."""
    drugs: dict[str, Drug] = {}
    classes: dict[str, DrugClass] = {}
    regimens: dict[str, tuple[str, ...]] = {}
    abbreviations: dict[str, str] = {}
    misspellings: dict[str, str] = {}
    terms: dict[str, None] = {}
    for v in vocabularies:
        for d in v.drugs:
            old = drugs.get(d.generic.lower())
            drugs[d.generic.lower()] = d if old is None else _union(old, d)
        for target, source in (
            (classes, v.classes),
            (regimens, v.regimens),
            (abbreviations, v.abbreviations),
            (misspellings, v.misspellings),
        ):
            for key, value in source.items():
                target.setdefault(key, value)  # type: ignore[arg-type]
        terms.update(dict.fromkeys(v.terms))
    return Vocabulary(
        tuple(drugs.values()), classes, regimens, abbreviations, misspellings, tuple(terms)
    )


def _union(a: Drug, b: Drug) -> Drug:
    def both(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*x, *y)))

    return Drug(
        a.generic,
        both(a.brands, b.brands),
        both(a.names, b.names),
        both(a.misspellings, b.misspellings),
        both(a.classes, b.classes),
        a.combines or b.combines,
        a.fuzzy or b.fuzzy,
    )
