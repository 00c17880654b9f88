// The handlers' JSON is the package's one JSON (the `JSON` target): re-exported so `import HTTPClient` keeps
// giving handler code `JSON`, `JSONObject` and `JSONError`.
@_exported import JSON
