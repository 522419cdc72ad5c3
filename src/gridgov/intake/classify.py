"""The category classifier: from a report's title and description to the catalogue's categories,
each with a confidence.

Two sources of evidence are blended:

* a learned model — TF-IDF features of the text's character 1–3-grams and of its title's
  character 1–2-grams (rare n-grams dropped, the most category-bound quarter kept), fed to a
  class-balanced linear SVM whose decision values become probabilities through a softmax with a
  cross-validated temperature (:class:`gridgov.intake.learn.SoftmaxSVC`). It is trained from the
  platform's closed cases and dispatchers' corrections (``gridgov classifier train``) or from a
  labelled file, and stored in the database (:class:`~gridgov.intake.models.ClassifierModel`)
  so every process uses the same one;
* the catalogue's own words — each active leaf category's ``keywords`` and ``name`` found in the
  text, weighted by their length. This is what lets a platform with no trained model suggest
  something, and it keeps a rare category reachable.

With a model, ``confidence = (1 − w)·p_model + w·share_keywords`` (``w`` = :data:`KEYWORD_WEIGHT`,
applied only when some keyword is in the text). Without one, ``confidence = s / (Σs + K)`` where
``s`` is the category's keyword score and ``K`` = :data:`KEYWORD_PRIOR` keeps a keyword-only guess
modest. The baseline the model is measured against is a character 1–3-gram TF-IDF with a linear
SVM (:func:`gridgov.intake.learn.baseline_pipeline`); ``gridgov classifier evaluate`` prints both.

This module is what intake needs at run time and imports nothing heavy; training, evaluation
and the model's classes are in :mod:`gridgov.intake.learn` (scikit-learn is loaded only with them,
or when a stored model is first unpickled).
"""
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from gridgov.catalogue.models import Category
from gridgov.catalogue.services import CATALOGUE_STAMP
from gridgov.core import stamps

from .models import ClassifierModel
from .text import normalise, text_of

KEYWORD_WEIGHT = 0.2
KEYWORD_PRIOR = 4.0


# -- the catalogue: labels and keywords ----------------------------------------------------------
@dataclass
class Catalogue:
    """The active leaf categories with their terms, held per process until a category changes in
    any process (the catalogue's stamp): a suggestion costs no query for them."""

    categories: list
    by_code: dict = field(default_factory=dict)
    terms: list = field(default_factory=list)  # (category code, [(term, weight)])

    @classmethod
    def load(cls) -> "Catalogue":
        return _catalogue.get()

    @classmethod
    def read(cls, _key=None) -> "Catalogue":
        categories = list(Category.objects.leaves().filter(active=True))
        catalogue = cls(categories, {c.code: c for c in categories})
        for category in categories:
            words = {normalise(w) for w in category.keywords.split() if len(w) >= 2}
            if len(category.name) >= 2:
                words.add(normalise(category.name))
            catalogue.terms.append((category.code, sorted(words)))
        return catalogue

    def resolve(self, labels) -> dict:
        """Each label's category: by code, else the one active leaf whose name or plain name it is;
        ``None`` when no category, or more than one, answers to it."""
        named = defaultdict(set)
        for category in self.categories:
            named[category.name].add(category.code)
            named[category.plain_name].add(category.code)
        found = {}
        for label in labels:
            key = str(label).strip()
            match = self.by_code.get(key)
            if match is None and len(named.get(key, ())) == 1:
                match = self.by_code[next(iter(named[key]))]
            found[label] = match
        return found

    def keyword_scores(self, text: str) -> dict[str, float]:
        """Category code → the summed length of its terms found in the text (longer terms are more
        specific: 暴露垃圾 says more than 垃圾)."""
        text = normalise(text)
        scores = {}
        for code, words in self.terms:
            score = sum(len(w) for w in words if w in text)
            if score:
                scores[code] = float(score)
        return scores


def blend(probabilities: dict | None, keywords: dict) -> dict:
    """Label/code → confidence, from the model's probabilities (or None) and keyword scores keyed
    the same way. See the module docstring for the formula."""
    total = sum(keywords.values())
    if probabilities is None:
        return {key: score / (total + KEYWORD_PRIOR) for key, score in keywords.items()}
    if not total:
        return dict(probabilities)
    blended = {key: (1 - KEYWORD_WEIGHT) * p for key, p in probabilities.items()}
    for key, score in keywords.items():
        blended[key] = blended.get(key, 0.0) + KEYWORD_WEIGHT * score / total
    return blended


_catalogue = stamps.StampedCache(CATALOGUE_STAMP, Catalogue.read)


# -- the stored model -------------------------------------------------------------------------
#: The stamp (``core.stamps``) raised whenever a stored model is saved or deleted (trained,
#: activated): every process then loads the active one again.
CLASSIFIER_STAMP = "intake.classifier"


def _load_active(_key):
    row = ClassifierModel.objects.filter(active=True).values_list("version", "digest", "blob").first()
    if row is None:
        return None
    version, digest, blob = row
    blob = bytes(blob)
    if hashlib.sha256(blob).hexdigest() != digest:
        raise ValueError(f"classifier model v{version} is corrupt: its digest does not match")
    import joblib

    return version, joblib.load(io.BytesIO(blob))


_active = stamps.StampedCache(CLASSIFIER_STAMP, _load_active)


def active_model():
    """``(version, pipeline)`` of the active stored model, or None: loaded once per process and
    again only when a model was trained or activated in any process."""
    return _active.get()


@dataclass(frozen=True)
class Guess:
    category: Category
    confidence: float


@dataclass
class Suggestions:
    guesses: list[Guess]
    model_version: int | None

    @property
    def top(self) -> Guess | None:
        return self.guesses[0] if self.guesses else None


def suggest(title: str, description: str = "", k: int = 3) -> Suggestions:
    """The ``k`` likeliest active leaf categories for a report, best first."""
    text = text_of(title, description)
    catalogue = Catalogue.load()
    keywords = catalogue.keyword_scores(text)
    loaded = active_model() if text else None
    version, probabilities = None, None
    if loaded is not None:
        version, pipeline = loaded
        labels = catalogue.resolve(pipeline.classes_)
        probabilities = {}
        for label, p in zip(pipeline.classes_, pipeline.predict_proba([text])[0]):
            if labels[label] is not None:
                code = labels[label].code
                probabilities[code] = probabilities.get(code, 0.0) + float(p)
    confidences = blend(probabilities, keywords)
    ranked = sorted(confidences.items(), key=lambda item: (-item[1], item[0]))[:k]
    return Suggestions([Guess(catalogue.by_code[code], round(min(p, 1.0), 4)) for code, p in ranked if p > 0],
                       version)


@transaction.atomic
def activate(version: int) -> ClassifierModel:
    """Make a stored version the one every process uses (e.g. to roll back)."""
    chosen = ClassifierModel.objects.select_for_update().get(version=version)
    ClassifierModel.objects.filter(active=True).exclude(pk=chosen.pk).update(active=False)
    if not chosen.active:
        chosen.active = True
        chosen.save(update_fields=["active"])
    return chosen
