"""Decoding anything to 16 kHz mono PCM and encoding small Opus clips, with real PyAV."""
import numpy as np
import pytest

from kissi.voice import audio
from tests.voice_helpers import tone, wav_bytes


def test_stereo_wav_decodes_to_16k_mono_int16():
    pcm = audio.decode(wav_bytes(1.5, rate=44_100, channels=2))
    assert pcm.dtype == np.int16 and pcm.ndim == 1
    assert abs(len(pcm) - 24_000) < 400


def test_opus_clip_of_two_seconds_is_about_four_to_five_kb():
    ogg = audio.encode_opus(audio.prepare_clip(tone(2.0)))
    info = audio.probe(ogg)
    assert (info.container, info.codec) == ("ogg", "opus")
    assert 1.9 < info.seconds < 2.1
    assert 2_500 < len(ogg) <= 5_500


def test_webm_opus_round_trips():
    webm = audio.encode_opus(tone(1.0), container="webm")
    assert audio.probe(webm).container.endswith("webm")
    assert abs(len(audio.decode(webm)) - 16_000) < 400


def test_encoding_is_deterministic_so_names_can_be_content_addressed():
    pcm = tone(0.7)
    assert audio.encode_opus(pcm) == audio.encode_opus(pcm)


def test_normalize_brings_quiet_and_loud_speech_to_the_same_level():
    quiet, loud = tone(1.0, amplitude=500), tone(1.0, amplitude=20_000)
    rms = [float(np.sqrt(np.mean(audio.normalize(x).astype(float) ** 2))) for x in (quiet, loud)]
    assert rms[0] == pytest.approx(rms[1], rel=0.05)
    assert np.abs(audio.normalize(loud)).max() < 32_000


def test_trim_silence_cuts_the_edges_only():
    pcm = np.concatenate([audio.silence(500), tone(1.0), audio.silence(700)])
    trimmed = audio.trim_silence(pcm)
    assert 1.0 <= audio.seconds(trimmed) < 1.2


def test_join_lasts_the_sum_of_its_parts_and_gaps():
    parts = [tone(0.5), tone(0.25), tone(1.0)]
    joined = audio.join(parts, gap_ms=100)
    assert audio.seconds(joined) == pytest.approx(1.75 + 0.2, abs=0.01)


@pytest.mark.parametrize("data", [b"", b"hello, not a sound", b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_not_audio_is_refused(data):
    with pytest.raises(audio.AudioError) as err:
        audio.check_upload(data)
    assert err.value.code == "not_audio"


def test_too_long_upload_is_refused():
    with pytest.raises(audio.AudioError) as err:
        audio.check_upload(wav_bytes(16.5, rate=8_000, channels=1))
    assert err.value.code == "too_long"


def test_too_large_upload_is_refused_before_decoding():
    with pytest.raises(audio.AudioError) as err:
        audio.check_upload(b"\0" * (audio.MAX_UPLOAD_BYTES + 1))
    assert err.value.code == "too_large"


def test_direct_ogg_parsing_finds_the_same_packets_as_pyav():
    import io

    import av

    data = audio.encode_opus(audio.prepare_clip(tone(1.3)))
    with av.open(io.BytesIO(data)) as container:
        expected = [bytes(p) for p in container.demux(container.streams.audio[0]) if p.size]
    packets = audio.opus_packets(data)
    assert [p for p, _ in packets] == expected
    assert sum(d for _, d in packets) == pytest.approx(1.3 * 48_000, abs=960 * 2)


def test_concatenated_clips_decode_to_the_sum_of_their_lengths():
    a, b = (audio.encode_opus(audio.prepare_clip(tone(s))) for s in (0.4, 0.9))
    joined = audio.concat_opus(a, [audio.opus_packets(a), audio.opus_packets(b)])
    assert audio.seconds(audio.decode(joined)) == pytest.approx(1.3, abs=0.05)
