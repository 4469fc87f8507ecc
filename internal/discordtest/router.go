package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

func routeMatches(route, method, path string) bool {
	route = strings.TrimSpace(route)
	if route == "" {
		return true
	}
	wantMethod, wantPath := "", route
	if i := strings.IndexByte(route, ' '); i >= 0 {
		wantMethod, wantPath = route[:i], strings.TrimSpace(route[i+1:])
	}
	if wantMethod != "" && wantMethod != "*" && !strings.EqualFold(wantMethod, method) {
		return false
	}
	_, ok := matchPattern(wantPath, path)
	return ok
}

// matchPattern matches a path against a pattern with "*" segments and
// returns the segments matched by the wildcards.
func matchPattern(pattern, path string) ([]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params []string
	for i, p := range ps {
		switch {
		case p == "*":
			params = append(params, xs[i])
		case p != xs[i]:
			return nil, false
		}
	}
	return params, true
}

const maxBodyBytes = 32 << 20

type routeHandler func(s *Server, c *Call, p []string) response

type route struct {
	method, pattern string
	// noAuth routes do not need the bot token (interaction callbacks and
	// webhooks authenticate with the token in the path).
	noAuth bool
	h      routeHandler
}

var routes = []route{
	{"GET", "/gateway", true, (*Server).getGateway},
	{"GET", "/gateway/bot", false, (*Server).getGatewayBot},
	{"GET", "/users/@me", false, (*Server).getMe},
	{"POST", "/users/@me/channels", false, (*Server).createDM},
	{"GET", "/users/*", false, (*Server).getUser},
	{"GET", "/applications/@me", false, (*Server).getApplication},
	{"GET", "/oauth2/applications/@me", false, (*Server).getApplication},
	{"GET", "/channels/*", false, (*Server).getChannel},
	{"POST", "/channels/*/typing", false, (*Server).typing},
	{"POST", "/channels/*/messages", false, (*Server).postMessage},
	{"GET", "/channels/*/messages/*", false, (*Server).getMessage},
	{"PATCH", "/channels/*/messages/*", false, (*Server).patchMessage},
	{"DELETE", "/channels/*/messages/*", false, (*Server).deleteMessage},
	{"GET", "/applications/*/commands", false, (*Server).getCommands},
	{"PUT", "/applications/*/commands", false, (*Server).putCommands},
	{"GET", "/applications/*/guilds/*/commands", false, (*Server).getCommands},
	{"PUT", "/applications/*/guilds/*/commands", false, (*Server).putCommands},
	{"POST", "/interactions/*/*/callback", true, (*Server).interactionCallback},
	{"POST", "/webhooks/*/*", true, (*Server).webhookExecute},
	{"GET", "/webhooks/*/*/messages/*", true, (*Server).webhookGetMessage},
	{"PATCH", "/webhooks/*/*/messages/*", true, (*Server).webhookEditMessage},
	{"DELETE", "/webhooks/*/*/messages/*", true, (*Server).webhookDeleteMessage},
}

var apiPrefix = regexp.MustCompile(`^/api(?:/v(\d+))?(/.*)$`)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) {
		s.serveGateway(w, r)
		return
	}
	m := apiPrefix.FindStringSubmatch(r.URL.Path)
	if m == nil {
		s.serveCDN(w, r)
		return
	}
	c := &Call{
		Method:  r.Method,
		Path:    m[2],
		Version: m[1],
		Query:   r.URL.Query(),
		Header:  r.Header.Clone(),
		At:      time.Now(),
	}
	resp := s.handle(c, r)

	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	var body []byte
	if resp.body != nil {
		var err error
		body, err = json.Marshal(resp.body)
		if err != nil {
			panic("discordtest: encoding response: " + err.Error())
		}
		h.Set("Content-Type", "application/json")
		if obj, ok := resp.body.(map[string]any); ok {
			c.Response = cloneMap(obj)
		}
	}
	c.Status = resp.status
	c.Deduplicated = resp.dedup

	s.mu.Lock()
	s.calls = append(s.calls, *c)
	s.notifyLocked()
	s.mu.Unlock()

	if s.cfg.echo {
		for _, e := range resp.echo {
			if e.t == "" {
				continue
			}
			s.broadcast(e.t, e.d, false)
		}
	}
	w.WriteHeader(resp.status)
	if body != nil {
		_, _ = w.Write(body)
	}
}

// handle parses the request, applies faults and auth, and runs the route.
func (s *Server) handle(c *Call, r *http.Request) response {
	if resp, ok := s.parseBody(c, r); !ok {
		return resp
	}
	var (
		rt      *route
		params  []string
		pathHit bool
	)
	for i := range routes {
		p, ok := matchPattern(routes[i].pattern, c.Path)
		if !ok {
			continue
		}
		pathHit = true
		if routes[i].method == c.Method {
			rt, params = &routes[i], p
			break
		}
	}
	bucket := bucketFor(c.Path, rt, params)

	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if routeMatches(f.route, c.Method, c.Path) {
			f.left--
			if f.left <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return faultResp(f.fault, bucket)
		}
	}
	if rt == nil {
		if pathHit {
			return errResp(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		}
		return errResp(http.StatusNotFound, 0, "404: Not Found")
	}
	if s.cfg.token != "" && !rt.noAuth && c.Header.Get("Authorization") != "Bot "+s.cfg.token {
		return errResp(http.StatusUnauthorized, 0, "401: Unauthorized")
	}
	resp := rt.h(s, c, params)
	if resp.status/100 == 2 {
		if resp.header == nil {
			resp.header = http.Header{}
		}
		reset := float64(time.Now().UnixMilli())/1000 + 1
		resp.header.Set("X-RateLimit-Limit", "5")
		resp.header.Set("X-RateLimit-Remaining", "4")
		resp.header.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		resp.header.Set("X-RateLimit-Reset-After", "1.000")
		resp.header.Set("X-RateLimit-Bucket", bucket)
	}
	return resp
}

// bucketFor names a rate-limit bucket after the route and its major
// parameter (channel, webhook, interaction).
func bucketFor(path string, rt *route, params []string) string {
	key := path
	if rt != nil {
		key = rt.method + " " + rt.pattern
		if len(params) > 0 && (strings.HasPrefix(rt.pattern, "/channels/") || strings.HasPrefix(rt.pattern, "/webhooks/") ||
			strings.HasPrefix(rt.pattern, "/interactions/")) {
			key += " " + params[0]
		}
	}
	h := fnv.New64a()
	_, _ = io.WriteString(h, key)
	return fmt.Sprintf("%016x", h.Sum64())
}

// parseBody fills c.Body/c.Array/c.Files. It returns false with the error
// response for malformed bodies.
func (s *Server) parseBody(c *Call, r *http.Request) (response, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return errResp(http.StatusBadRequest, 0, ""), false
	}
	if len(raw) == 0 {
		return response{}, true
	}
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType == "multipart/form-data" {
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errResp(http.StatusBadRequest, 0, ""), false
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return errResp(http.StatusBadRequest, 0, ""), false
			}
			if part.FormName() == "payload_json" {
				if !decodeJSONInto(c, data) {
					return errResp(http.StatusBadRequest, 50109, ""), false
				}
				continue
			}
			if part.FileName() != "" || strings.HasPrefix(part.FormName(), "files[") || part.FormName() == "file" {
				c.Files = append(c.Files, File{
					Field:       part.FormName(),
					Name:        part.FileName(),
					ContentType: part.Header.Get("Content-Type"),
					Data:        data,
				})
			}
		}
		return response{}, true
	}
	if !decodeJSONInto(c, raw) {
		return errResp(http.StatusBadRequest, 50109, ""), false
	}
	return response{}, true
}

func decodeJSONInto(c *Call, raw []byte) bool {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		c.Body = t
	case []any:
		c.Array = t
	}
	return true
}
