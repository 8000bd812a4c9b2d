"""The terminal UI served to browsers (``pledgetrack serve``).

Why textual-serve, and not Textual's own web driver alone or textual-web
------------------------------------------------------------------------
All three run the same thing in the end: the app process under Textual's
``WebDriver`` (``TEXTUAL_DRIVER=textual.drivers.web_driver:WebDriver``), which speaks a
small framed protocol on stdin/stdout instead of a tty. They differ in what carries
that protocol to a browser:

* **textual-web** (0.8) connects the app, over a websocket, to Textualize's hosted
  "Ganglion" service, which serves the page; the service is not open source and cannot
  be run locally (textual-web issues #19, #26, #29). An intranet without the internet
  cannot use it, and every keystroke would leave the building. It also pins
  ``textual<0.44``; this project runs Textual 8.
* **The web driver alone** has no server and no page: we would write the websocket
  bridge, the process handling and the terminal page ourselves.
* **textual-serve** (1.1, aiohttp) is that bridge, open and local: a page with
  xterm.js (its ``textual.js``), a websocket per browser tab, one app subprocess per
  websocket. It is small (two Python files of interest) and it is what Textualize
  suggests for self-hosting.

So: textual-serve, pinned exactly (our page fits its ``textual.js``), with our own
page and with sessions that end for certain; :mod:`.server` and :mod:`.session` say
where and why they subclass it. The command line of every session's app is built in
one place, :func:`.command.app_argv`.
"""
