package discordtest

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// attachmentsLocked turns uploaded files into attachment objects, keeping
// the existing attachments listed in body["attachments"] (edits) or all of
// them when the field is absent.
func (s *Server) attachmentsLocked(channelID string, body map[string]any, files []File, existing []any) []any {
	out := []any{}
	declared, hasDeclared := body["attachments"].([]any)
	keep := map[string]bool{}
	desc := map[string]string{}
	for _, d := range declared {
		dm, _ := d.(map[string]any)
		id := nonceString(dm["id"])
		keep[id] = true
		if ds, ok := dm["description"].(string); ok {
			desc[id] = ds
		}
	}
	for _, e := range existing {
		em, _ := e.(map[string]any)
		if id, _ := em["id"].(string); !hasDeclared || keep[id] {
			out = append(out, e)
		}
	}
	for i, f := range files {
		id := NewID()
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		path := fmt.Sprintf("attachments/%s/%s/%s", channelID, id, f.Name)
		att := map[string]any{
			"id":           id,
			"filename":     f.Name,
			"size":         len(f.Data),
			"url":          "https://cdn.discordapp.com/" + path,
			"proxy_url":    "https://media.discordapp.net/" + path,
			"content_type": ct,
		}
		if d, ok := desc[strconv.Itoa(i)]; ok {
			att["description"] = d
		}
		s.attachments[id] = f
		out = append(out, att)
	}
	return out
}

func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	if p, ok := matchPattern("/attachments/*/*/*", r.URL.Path); ok && r.Method == http.MethodGet {
		s.mu.Lock()
		f, found := s.attachments[p[1]]
		s.mu.Unlock()
		if found && f.Name == p[2] {
			ct := f.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(f.Data)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `{"message": "404: Not Found", "code": 0}`)
}
