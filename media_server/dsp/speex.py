"""libspeexdsp through ctypes: echo canceller, preprocessor (denoise + residual echo), resampler.

Why ctypes: the `speexdsp` wheel on PyPI wraps only the echo canceller and imports `imp`
(removed in Python 3.12); the Debian library has all three, costs ~46 µs per 20 ms frame for
echo cancel + denoise at 8 kHz, and its resampler returns a steady frame per frame (a few
samples of delay) where soxr's high-quality modes hold audio back in bursts.
"""
from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np

_PREPROCESS_SET_DENOISE = 0
_PREPROCESS_SET_AGC = 2
_PREPROCESS_SET_NOISE_SUPPRESS = 18
_PREPROCESS_SET_ECHO_SUPPRESS = 20
_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE = 22
_PREPROCESS_SET_ECHO_STATE = 24
_ECHO_SET_SAMPLING_RATE = 24

_int16_p = ctypes.POINTER(ctypes.c_int16)


class SpeexUnavailable(RuntimeError):
    pass


def _load() -> ctypes.CDLL:
    name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise SpeexUnavailable("libspeexdsp is not installed: run `make setup` (Debian package libspeexdsp1)") from exc
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, _int16_p, _int16_p, _int16_p]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, _int16_p]
    lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_resampler_init.restype = ctypes.c_void_p
    lib.speex_resampler_init.argtypes = [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_int)]
    lib.speex_resampler_process_int.argtypes = [ctypes.c_void_p, ctypes.c_uint32, _int16_p,
                                                ctypes.POINTER(ctypes.c_uint32), _int16_p,
                                                ctypes.POINTER(ctypes.c_uint32)]
    lib.speex_resampler_skip_zeros.argtypes = [ctypes.c_void_p]
    lib.speex_resampler_get_output_latency.argtypes = [ctypes.c_void_p]
    lib.speex_resampler_destroy.argtypes = [ctypes.c_void_p]
    return lib


_lib: ctypes.CDLL | None = None


def lib() -> ctypes.CDLL:
    global _lib
    if _lib is None:
        _lib = _load()
    return _lib


def _ptr(array: np.ndarray):
    return array.ctypes.data_as(_int16_p)


def _int(value: int):
    return ctypes.byref(ctypes.c_int(value))


class EchoCanceller:
    """Removes the agent's own voice (the far end we played) from what the lead's line sends back."""

    def __init__(self, frame_size: int = 160, sample_rate: int = 8000, tail_ms: int = 300):
        self._lib = lib()
        self.frame_size = frame_size
        self.state = self._lib.speex_echo_state_init(frame_size, sample_rate * tail_ms // 1000)
        self._lib.speex_echo_ctl(self.state, _ECHO_SET_SAMPLING_RATE, _int(sample_rate))
        self._out = np.zeros(frame_size, dtype=np.int16)

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        near = np.ascontiguousarray(near, dtype=np.int16)
        far = np.ascontiguousarray(far, dtype=np.int16)
        out = np.empty(self.frame_size, dtype=np.int16)
        self._lib.speex_echo_cancellation(self.state, _ptr(near), _ptr(far), _ptr(out))
        return out

    def __del__(self):
        if getattr(self, "state", None):
            self._lib.speex_echo_state_destroy(self.state)
            self.state = None


class Preprocessor:
    """Speex preprocess: spectral noise suppression, plus residual-echo suppression when linked to
    the echo canceller. One frame in, one frame out; its overlap-add holds back one frame (measured: the
    output lags the input by exactly 160 samples, 20 ms at 8 kHz)."""

    def __init__(self, frame_size: int = 160, sample_rate: int = 8000, noise_suppress_db: int = -20,
                 echo: EchoCanceller | None = None):
        self._lib = lib()
        self.frame_size = frame_size
        self.state = self._lib.speex_preprocess_state_init(frame_size, sample_rate)
        self._lib.speex_preprocess_ctl(self.state, _PREPROCESS_SET_DENOISE, _int(1))
        self._lib.speex_preprocess_ctl(self.state, _PREPROCESS_SET_NOISE_SUPPRESS, _int(noise_suppress_db))
        self._lib.speex_preprocess_ctl(self.state, _PREPROCESS_SET_AGC, _int(0))
        if echo is not None:
            self._lib.speex_preprocess_ctl(self.state, _PREPROCESS_SET_ECHO_STATE, ctypes.c_void_p(echo.state))
            self._echo = echo  # keep the echo state alive as long as we point at it

    def process(self, frame: np.ndarray) -> np.ndarray:
        out = np.array(frame, dtype=np.int16, copy=True, order="C")
        self._lib.speex_preprocess_run(self.state, _ptr(out))
        return out

    def __del__(self):
        if getattr(self, "state", None):
            self._lib.speex_preprocess_state_destroy(self.state)
            self.state = None


class StreamResampler:
    """Streaming resampler that carries its filter state across frames: no clicks at frame edges,
    and a steady output (each 20 ms in gives ~20 ms out) with a few samples of delay."""

    def __init__(self, in_rate: int, out_rate: int, quality: int = 5):
        self._lib = lib()
        self.in_rate, self.out_rate = in_rate, out_rate
        error = ctypes.c_int(0)
        self.state = self._lib.speex_resampler_init(1, in_rate, out_rate, quality, ctypes.byref(error))
        if not self.state:
            raise SpeexUnavailable(f"speex_resampler_init failed ({error.value})")
        self._lib.speex_resampler_skip_zeros(self.state)

    @property
    def delay_samples(self) -> int:
        return self._lib.speex_resampler_get_output_latency(self.state)

    def process(self, samples: np.ndarray) -> np.ndarray:
        samples = np.ascontiguousarray(samples, dtype=np.int16)
        capacity = samples.size * self.out_rate // self.in_rate + 16
        out = np.empty(capacity, dtype=np.int16)
        in_len, out_len = ctypes.c_uint32(samples.size), ctypes.c_uint32(capacity)
        self._lib.speex_resampler_process_int(self.state, 0, _ptr(samples), ctypes.byref(in_len), _ptr(out),
                                              ctypes.byref(out_len))
        return out[:out_len.value]

    def __del__(self):
        if getattr(self, "state", None):
            self._lib.speex_resampler_destroy(self.state)
            self.state = None
