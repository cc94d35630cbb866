"""How a model was trained, as its card records it: for people, and to run it again."""

from __future__ import annotations

from dataclasses import dataclass, fields

from malariascope.core.cardvalues import CardValues, invalid

MAX_TRIM = 0.5  #: the largest share of a batch ``train --trim`` leaves out
PARASITE_SHARE = 0.15  #: share of healthy training cells given a synthetic parasite by default


@dataclass(frozen=True)
class Recipe:
    """The training run's settings and size; all optional, as cards of older runs lack some."""

    seed: int | None = None  #: drew the initial weights, the augmentation and the batches
    split_seed: int | None = None  #: drew the validation slides when it is not the seed
    learning_rate: float | None = None
    epochs_run: int | None = None
    members: int | None = None  #: networks trained side by side and joined into this one
    member_width: float | None = None  #: each one's share of the base network's filters
    trim: float = 0.0  #: share of each batch's highest losses left out of the loss
    overlap: float = 0.0  #: share of training cells with a healthy cell laid across them
    streaks: float = 0.0  #: share of training cells with a stained streak drawn across them
    parasites: float = PARASITE_SHARE  #: share of healthy cells given a synthetic parasite
    reviewed_out: int | None = None  #: cells left out because a label review contradicts them
    average_from: int | None = None  #: the model is the mean of the weights from this epoch on
    training_seconds: float | None = None

    def check(self, where: str) -> None:
        """One :class:`ModelError` for a value out of its range."""
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise invalid(where, "learning_rate", "above 0", self.learning_rate)
        if not 0 <= self.trim <= MAX_TRIM:
            raise invalid(where, "trim", f"from 0 to {MAX_TRIM}", self.trim)
        if self.average_from is not None and self.average_from < 1:
            raise invalid(where, "average_from", "1 or more", self.average_from)
        for name in ("overlap", "streaks", "parasites"):
            if not 0 <= getattr(self, name) <= 1:
                raise invalid(where, name, "from 0 to 1", getattr(self, name))

    @classmethod
    def read(cls, card: CardValues) -> Recipe:
        """The recipe of a card's JSON, each value's type checked."""
        return cls(
            seed=card.whole("seed", None), split_seed=card.whole("split_seed", None),
            learning_rate=card.real("learning_rate", None),
            epochs_run=card.whole("epochs_run", None),
            members=card.whole("members", None), member_width=card.real("member_width", None),
            trim=card.real("trim", 0.0), overlap=card.real("overlap", 0.0),
            streaks=card.real("streaks", 0.0), parasites=card.real("parasites", PARASITE_SHARE),
            training_seconds=card.real("training_seconds", None),
            reviewed_out=card.whole("reviewed_out", None),
            average_from=card.whole("average_from", None),
        )

    def to_dict(self) -> dict:
        """The card's keys of the recipe; those a plain run leaves at their default are left
        out, so that cards written before them read back as they are."""
        members = {"members": self.members, "member_width": self.member_width}
        return {
            "seed": self.seed, "learning_rate": self.learning_rate,
            "epochs_run": self.epochs_run, "training_seconds": self.training_seconds,
            **({} if self.members is None else members),
            **({} if self.split_seed is None else {"split_seed": self.split_seed}),
            **({"trim": self.trim} if self.trim else {}),
            **({"overlap": self.overlap} if self.overlap else {}),
            **({"streaks": self.streaks} if self.streaks else {}),
            **({} if self.parasites == PARASITE_SHARE else {"parasites": self.parasites}),
            **({} if self.reviewed_out is None else {"reviewed_out": self.reviewed_out}),
            **({} if self.average_from is None else {"average_from": self.average_from}),
        }


#: Every key a card may hold the recipe under: the card's keys are the fields' names.
RECIPE_KEYS = tuple(entry.name for entry in fields(Recipe))
