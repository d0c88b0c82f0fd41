#!/usr/bin/env python3
"""What a window manager does to the app's window, under Xvfb (which has none):

    DISPLAY=:99 scripts/x11-window.py close        # its close button: WM_DELETE_WINDOW
    DISPLAY=:99 scripts/x11-window.py size W H     # resized, as a maximised window on a laptop
    DISPLAY=:99 scripts/x11-window.py shot FILE    # its pixels on the screen, as a PNG

to every top-level X window whose WM_CLASS name is zhurnal-app. WebDriver's own "close window"
ends the session, not the way a teacher closes the app, and its "set window rect" waits for a
window manager. Only libX11 (ctypes), no Python packages. Exits 0 when a window was found, 1
when none was, 2 when there is no display.
"""

import ctypes
import ctypes.util
import struct
import sys
import zlib
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


class XImage(ctypes.Structure):
    _fields_ = [
        ("width", c_int),
        ("height", c_int),
        ("xoffset", c_int),
        ("format", c_int),
        ("data", c_void_p),
        ("byte_order", c_int),
        ("bitmap_unit", c_int),
        ("bitmap_bit_order", c_int),
        ("bitmap_pad", c_int),
        ("depth", c_int),
        ("bytes_per_line", c_int),
        ("bits_per_pixel", c_int),
    ]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", c_int), ("y", c_int), ("width", c_int), ("height", c_int), ("rest", c_long * 32)]


def png(path: str, width: int, height: int, rows) -> None:
    """Writes RGB rows (bytes of width*3) as a PNG, with zlib only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", c_long * 24)]


CLIENT_MESSAGE = 33


def main() -> int:
    wanted = b"zhurnal-app"
    action = sys.argv[1] if len(sys.argv) > 1 else "close"
    if action not in ("close", "size", "shot") or (action == "size" and len(sys.argv) < 4) or (action == "shot" and len(sys.argv) < 3):
        print("usage: x11-window.py close | size W H | shot FILE", file=sys.stderr)
        return 2
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
    x.XResizeWindow.argtypes = [c_void_p, Window, c_uint, c_uint]
    x.XGetWindowAttributes.argtypes = [c_void_p, Window, POINTER(XWindowAttributes)]
    x.XTranslateCoordinates.argtypes = [c_void_p, Window, Window, c_int, c_int, POINTER(c_int), POINTER(c_int), POINTER(Window)]
    x.XGetImage.restype = POINTER(XImage)
    x.XGetImage.argtypes = [c_void_p, Window, c_int, c_int, c_uint, c_uint, c_ulong, c_int]

    dpy = x.XOpenDisplay(None)
    if not dpy:
        print("x11-window: no X display (is DISPLAY set?)", file=sys.stderr)
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
        if name == wanted and action == "shot":
            # From the root window, clipped to the screen: a window partly off the screen
            # cannot be read from itself.
            attrs, screen = XWindowAttributes(), XWindowAttributes()
            x.XGetWindowAttributes(dpy, w, byref(attrs))
            x.XGetWindowAttributes(dpy, root, byref(screen))
            ox, oy, child = c_int(), c_int(), Window()
            x.XTranslateCoordinates(dpy, w, root, 0, 0, byref(ox), byref(oy), byref(child))
            left, top = max(0, ox.value), max(0, oy.value)
            width = min(attrs.width, screen.width - left)
            height = min(attrs.height, screen.height - top)
            img = x.XGetImage(dpy, root, left, top, width, height, 0xFFFFFFFF, 2)
            if not img or img.contents.bits_per_pixel != 32:
                print("x11-window: cannot read the window's pixels", file=sys.stderr)
                return 1
            im = img.contents
            data = ctypes.string_at(im.data, im.bytes_per_line * im.height)
            rows = []
            for y in range(im.height):
                line = data[y * im.bytes_per_line : y * im.bytes_per_line + im.width * 4]
                rgb = bytearray(im.width * 3)
                rgb[0::3] = line[2::4]
                rgb[1::3] = line[1::4]
                rgb[2::3] = line[0::4]
                rows.append(bytes(rgb))
            png(sys.argv[2], im.width, im.height, rows)
            asked += 1
            break
        if name == wanted and action == "size":
            x.XResizeWindow(dpy, w, int(sys.argv[2]), int(sys.argv[3]))
            asked += 1
        elif name == wanted:
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
        print(f"x11-window: no window of class {wanted.decode()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
