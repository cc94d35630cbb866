"""The file names the app reads as images, by suffix (any letter case): one list for finding
images in folders and for the window's file chooser. Standard library only, so the window can
name them before the image libraries load; content is checked when a file is read."""

from __future__ import annotations

#: In the order the file chooser lists them; ``.jfif`` and ``.jpe`` are JPEGs under the names
#: Windows and some cameras give them
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".jfif", ".jpe", ".tif", ".tiff", ".bmp", ".webp",
                  ".gif", ".jp2", ".pbm", ".pgm", ".ppm")
