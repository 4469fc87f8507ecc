package discordtest

import (
	"net/http"
	"net/url"
	"time"
)

// File is one file uploaded in a multipart request (files[n] parts).
type File struct {
	// Field is the multipart field name, e.g. "files[0]".
	Field string
	// Name is the file name from the Content-Disposition header.
	Name string
	// ContentType is the part's Content-Type.
	ContentType string
	// Data is the file content.
	Data []byte
}

// Call is one REST request the fake received, with what it answered.
type Call struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path without the /api/v<N> prefix, for example
	// "/channels/123/messages".
	Path string
	// Version is the API version from the path prefix ("9" for discordgo v0.29).
	Version string
	// Query is the parsed query string.
	Query url.Values
	// Header holds the request headers.
	Header http.Header
	// Body is the JSON object sent (for multipart requests: payload_json),
	// nil when the body was empty or not a JSON object.
	Body map[string]any
	// Array is the JSON array sent, for endpoints taking one (bulk command
	// overwrite); nil otherwise.
	Array []any
	// Files are the files uploaded in a multipart request.
	Files []File
	// Status is the HTTP status the fake answered.
	Status int
	// Response is the JSON object the fake answered, nil for 204 or arrays.
	Response map[string]any
	// Deduplicated is true when the fake returned an earlier message because
	// of nonce + enforce_nonce instead of creating a new one.
	Deduplicated bool
	// At is when the request arrived.
	At time.Time
}

// Matches reports whether the call matches route, written "METHOD /path" or
// "/path" (any method), where a "*" path segment matches any one segment,
// e.g. "POST /channels/*/messages". The empty route matches every call.
func (c Call) Matches(route string) bool {
	return routeMatches(route, c.Method, c.Path)
}

// Route returns a predicate for Calls and WaitFor that matches route (see
// Call.Matches).
func Route(route string) func(Call) bool {
	return func(c Call) bool { return c.Matches(route) }
}

// MessageTo returns a predicate matching successful, non-deduplicated
// POST /channels/{channelID}/messages calls.
func MessageTo(channelID string) func(Call) bool {
	return func(c Call) bool {
		return c.Method == http.MethodPost && c.Path == "/channels/"+channelID+"/messages" &&
			c.Status/100 == 2 && !c.Deduplicated
	}
}

// Calls returns the recorded REST calls for which filter returns true (all
// calls when filter is nil), in arrival order.
func (s *Server) Calls(filter func(Call) bool) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if filter == nil || filter(c) {
			out = append(out, c)
		}
	}
	return out
}

// MessagesTo returns the successful POST /channels/{channelID}/messages calls,
// without those answered by nonce deduplication: one call per message created.
// Interaction responses and follow-ups are not included (see Messages).
func (s *Server) MessagesTo(channelID string) []Call {
	return s.Calls(MessageTo(channelID))
}
