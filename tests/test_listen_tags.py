"""Voice tags with real speech: eSpeak NG recordings in several voices, speeds and noise.

Each voice records the words once (the enrolment, like a trader in the studio); then the
same voice says them faster, slower and in noise. The right tag must win, and words
nobody recorded must be refused rather than guessed.
"""
from __future__ import annotations

import numpy as np
import pytest

from kissi.listen import tags
from kissi.voice.espeak import resample
from listen_helpers import add_noise, speak

WORDS = ["savon", "riz", "huile", "sucre", "tomate", "oignon", "pagne", "charbon", "Awa",
         "Mariam", "trois", "cinq", "dix", "cent", "mille"]
UNKNOWN = ["poisson", "banane", "Fatou", "sept", "bonjour", "lait"]
VOICES = ["fr", "fr+f3", "fr+m3"]
CONDITIONS = [(130, None), (175, None), (150, 25), (130, 25)]  # words per minute, SNR dB


def say(text, voice, rate=150, snr=None, seed=0, pad=0.0):
    pcm, sr = speak(text, voice, rate=rate, pad=pad)
    pcm = resample(pcm, sr, 16_000)
    return pcm if snr is None else add_noise(pcm, snr, seed)


def enrol(voice, words=WORDS):
    return [tags.Tag(w, "word", tags.features(say(w, voice))) for w in words]


@pytest.mark.parametrize("voice", VOICES)
def test_right_tag_wins_across_speeds_and_noise(voice):
    enrolled = enrol(voice)
    for word in WORDS:
        for i, (rate, snr) in enumerate(CONDITIONS):
            tag, dist = tags.match(tags.features(say(word, voice, rate, snr, seed=i)), enrolled)
            assert tag is not None and tag.word == word, (voice, word, rate, snr, dist)


@pytest.mark.parametrize("voice", VOICES)
def test_unknown_word_is_rejected(voice):
    enrolled = enrol(voice)
    for word in UNKNOWN:
        for snr in (None, 25):
            tag, dist = tags.match(tags.features(say(word, voice, 150, snr)), enrolled)
            assert tag is None, (voice, word, tag and tag.word, dist)


def test_command_is_cut_into_words_at_pauses():
    enrolled = enrol("fr")
    pause = np.zeros(16_000 * 3 // 10, dtype=np.int16)
    pcm = np.concatenate([pause, say("trois", "fr", 140), pause, say("savon", "fr", 140), pause])
    pcm = add_noise(pcm, 25, seed=4)
    heard = tags.recognize(pcm, enrolled)
    assert heard.words == ("trois", "savon") and heard.engine == "tags"
    assert heard.confidence > 0.6


def test_an_unknown_word_in_a_command_is_heard_as_unknown():
    enrolled = enrol("fr")
    pause = np.zeros(16_000 * 3 // 10, dtype=np.int16)
    pcm = np.concatenate([pause, say("trois", "fr"), pause, say("poisson", "fr"), pause])
    heard = tags.recognize(pcm, enrolled)
    assert heard.words == ("trois", "[unk]") and heard.confidence == 0.0
