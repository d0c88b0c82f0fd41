#!/usr/bin/env python3
"""Presses a window's close button, as a window manager does: sends WM_DELETE_WINDOW to every
top-level X window whose WM_CLASS name is the one given (default: zhurnal-app).

The end-to-end stories use it under Xvfb (no window manager there): WebDriver's own "close
window" ends the session, not the way a teacher closes the app. Only libX11 (ctypes), no
Python packages.

    DISPLAY=:99 scripts/x11-close.py [CLASS_NAME]
Exits 0 when a window was asked to close, 1 when none was found, 2 when there is no display.
"""

import ctypes
import ctypes.util
import sys
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_uint, c_ulong, c_void_p

Window = c_ulong
Atom = c_ulong


class XClassHint(ctypes.Structure):
    _fields_ = [("res_name", c_char_p), ("res_class", c_char_p)]


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),
        ("send_event", c_int),
        ("display", c_void_p),
        ("window", Window),
        ("message_type", Atom),
        ("format", c_int),
        ("l", c_long * 5),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", c_long * 24)]


CLIENT_MESSAGE = 33


def main() -> int:
    wanted = (sys.argv[1] if len(sys.argv) > 1 else "zhurnal-app").encode()
    x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    x.XOpenDisplay.restype = c_void_p
    x.XOpenDisplay.argtypes = [c_char_p]
    x.XDefaultRootWindow.restype = Window
    x.XDefaultRootWindow.argtypes = [c_void_p]
    x.XQueryTree.argtypes = [c_void_p, Window, POINTER(Window), POINTER(Window), POINTER(POINTER(Window)), POINTER(c_uint)]
    x.XGetClassHint.argtypes = [c_void_p, Window, POINTER(XClassHint)]
    x.XInternAtom.restype = Atom
    x.XInternAtom.argtypes = [c_void_p, c_char_p, c_int]
    x.XSendEvent.argtypes = [c_void_p, Window, c_int, c_long, POINTER(XEvent)]
    x.XFlush.argtypes = [c_void_p]
    x.XFree.argtypes = [c_void_p]
    x.XCloseDisplay.argtypes = [c_void_p]

    dpy = x.XOpenDisplay(None)
    if not dpy:
        print("x11-close: no X display (is DISPLAY set?)", file=sys.stderr)
        return 2
    root = x.XDefaultRootWindow(dpy)
    protocols = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    delete = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)

    root_ret, parent_ret = Window(), Window()
    children, n = POINTER(Window)(), c_uint()
    x.XQueryTree(dpy, root, byref(root_ret), byref(parent_ret), byref(children), byref(n))
    asked = 0
    for i in range(n.value):
        w = children[i]
        hint = XClassHint()
        if not x.XGetClassHint(dpy, w, byref(hint)):
            continue
        name = hint.res_name or b""
        if name == wanted:
            ev = XEvent()
            ev.xclient.type = CLIENT_MESSAGE
            ev.xclient.window = w
            ev.xclient.message_type = protocols
            ev.xclient.format = 32
            ev.xclient.l[0] = delete
            ev.xclient.l[1] = 0  # CurrentTime
            x.XSendEvent(dpy, w, 0, 0, byref(ev))
            asked += 1
    if children:
        x.XFree(children)
    x.XFlush(dpy)
    x.XCloseDisplay(dpy)
    if not asked:
        print(f"x11-close: no window of class {wanted.decode()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
