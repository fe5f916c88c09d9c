from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase, phrase_keys


def test_every_phrase_exists_in_every_language() -> None:
    for key, langs in phrase_keys().items():
        assert langs == set(LANGUAGES), key


def test_unsupported_language_falls_back_to_english() -> None:
    assert phrase("fallback", "de") == phrase("fallback", "en")
