#!/usr/bin/env python3
"""Keystroke → pixel, as a teacher sees it: presses a key through XTest (the X server's own
input, as a keyboard does) and watches a rectangle of the screen until its pixels change.

    DISPLAY=:99 scripts/x11-keylat.py X Y W H N [KEY] [UNDO]

X Y W H: the rectangle in the coordinates of the window of class zhurnal-app (the grid cell
under the cursor). Each of N samples presses KEY (default 4), times the first changed frame,
then presses UNDO (default Escape) and waits until the rectangle is as before. Prints one line
of JSON: {"ms": [...], "missed": n}. KEYLAT_GAP_S: the pause before each key (default 0.15 s). Only libX11 and libXtst (ctypes), no Python packages.
Used by src-tauri/e2e/examples/bench_app.rs (scripts/bench-app.sh).
"""

import ctypes
import ctypes.util
import json
import sys
import time
from ctypes import POINTER, byref, c_char_p, c_int, c_uint, c_ulong, c_void_p

Window = c_ulong


def _sibling():
    """scripts/x11-window.py, whose X structures this script shares."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).with_name("x11-window.py")
    spec = importlib.util.spec_from_file_location("x11_window", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_x11 = _sibling()
XImage, XClassHint = _x11.XImage, _x11.XClassHint


Z_PIXMAP = 2
ALL_PLANES = 0xFFFFFFFF


def lib(name, fallback):
    return ctypes.cdll.LoadLibrary(ctypes.util.find_library(name) or fallback)


def main() -> int:
    x0, y0, w, h, n = (int(a) for a in sys.argv[1:6])
    key = sys.argv[6] if len(sys.argv) > 6 else "4"
    undo = sys.argv[7] if len(sys.argv) > 7 else "Escape"
    x = lib("X11", "libX11.so.6")
    xt = lib("Xtst", "libXtst.so.6")
    x.XOpenDisplay.restype = c_void_p
    x.XOpenDisplay.argtypes = [c_char_p]
    x.XDefaultRootWindow.restype = Window
    x.XDefaultRootWindow.argtypes = [c_void_p]
    x.XQueryTree.argtypes = [c_void_p, Window, POINTER(Window), POINTER(Window), POINTER(POINTER(Window)), POINTER(c_uint)]
    x.XGetClassHint.argtypes = [c_void_p, Window, POINTER(XClassHint)]
    x.XTranslateCoordinates.argtypes = [c_void_p, Window, Window, c_int, c_int, POINTER(c_int), POINTER(c_int), POINTER(Window)]
    x.XGetImage.restype = POINTER(XImage)
    x.XGetImage.argtypes = [c_void_p, Window, c_int, c_int, c_uint, c_uint, c_ulong, c_int]
    x.XStringToKeysym.restype = c_ulong
    x.XStringToKeysym.argtypes = [c_char_p]
    x.XKeysymToKeycode.restype = ctypes.c_ubyte
    x.XKeysymToKeycode.argtypes = [c_void_p, c_ulong]
    x.XFlush.argtypes = [c_void_p]
    x.XSync.argtypes = [c_void_p, c_int]
    x.XFree.argtypes = [c_void_p]
    xt.XTestFakeKeyEvent.argtypes = [c_void_p, c_uint, c_int, c_ulong]

    dpy = x.XOpenDisplay(None)
    if not dpy:
        print("x11-keylat: no X display (is DISPLAY set?)", file=sys.stderr)
        return 2
    root = x.XDefaultRootWindow(dpy)
    r, p = Window(), Window()
    kids, count = POINTER(Window)(), c_uint()
    x.XQueryTree(dpy, root, byref(r), byref(p), byref(kids), byref(count))
    app = None
    for i in range(count.value):
        hint = XClassHint()
        if x.XGetClassHint(dpy, kids[i], byref(hint)) and hint.res_name == b"zhurnal-app":
            app = kids[i]
    if app is None:
        print("x11-keylat: no zhurnal-app window", file=sys.stderr)
        return 1
    ox, oy, child = c_int(), c_int(), Window()
    x.XTranslateCoordinates(dpy, app, root, 0, 0, byref(ox), byref(oy), byref(child))
    ax, ay = ox.value + x0, oy.value + y0

    def shot() -> bytes:
        img = x.XGetImage(dpy, root, ax, ay, w, h, ALL_PLANES, Z_PIXMAP)
        if not img:
            return b""
        data = ctypes.string_at(img.contents.data, img.contents.bytes_per_line * img.contents.height)
        x.XFree(img.contents.data)
        x.XFree(img)
        return data

    def press(name: str) -> None:
        code = x.XKeysymToKeycode(dpy, x.XStringToKeysym(name.encode()))
        xt.XTestFakeKeyEvent(dpy, code, 1, 0)
        xt.XTestFakeKeyEvent(dpy, code, 0, 0)
        x.XFlush(dpy)

    def wait_for(pred, limit: float) -> float | None:
        """The moment `pred` first holds for the rectangle, or None after `limit` seconds."""
        start = time.perf_counter()
        while True:
            if pred(shot()):
                return time.perf_counter()
            if time.perf_counter() - start > limit:
                return None
            time.sleep(0.0005)

    samples, missed = [], 0
    gap = float(__import__("os").environ.get("KEYLAT_GAP_S", "0.15"))
    for _ in range(n):
        time.sleep(gap)
        before = shot()
        x.XSync(dpy, 0)
        t = time.perf_counter()
        press(key)
        seen = wait_for(lambda s: s != before, 3.0)
        if seen is None:
            missed += 1
        else:
            samples.append((seen - t) * 1000.0)
        press(undo)
        wait_for(lambda s: s == before, 3.0)
    print(json.dumps({"ms": samples, "missed": missed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
