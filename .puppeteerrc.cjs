// Puppeteer's postinstall would download Chrome from outside the npm registry, which
// fails on machines that reach only the registry. The harness uses the system's
// Chromium (/usr/bin/chromium) or a browser the user points it at instead.
module.exports = { skipDownload: true };
