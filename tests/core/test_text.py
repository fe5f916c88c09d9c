from bot.core.text import MAX_MATCH_CHARS, clean, fold, latin_share, words


def test_fold_strips_accents_and_case() -> None:
    assert fold("Télé-Travail ÉTÉ Año") == "tele-travail ete ano"


def test_words_drop_punctuation_emoji_and_single_letters() -> None:
    assert words("🙂 Is it REMOTE?!! c'est <b>top</b>; DROP TABLE x;--") == [
        "is",
        "it",
        "remote",
        "est",
        "top",
        "drop",
        "table",
    ]


def test_words_only_reads_the_beginning_of_huge_text() -> None:
    assert len(words("remote " * 5000)) <= MAX_MATCH_CHARS // 7 + 1


def test_clean_removes_control_characters() -> None:
    assert clean("sal\x00ary\u200b \t\n  ok\x1b") == "sal ary ok"


def test_latin_share() -> None:
    assert latin_share("salary") == 1.0
    assert latin_share("Какая зарплата") == 0.0
    assert latin_share("123 !!") == 1.0
