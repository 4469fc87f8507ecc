package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// File is a file the bot uploaded in a multipart request.
type File struct {
	Name string // the part's file name
	Data []byte
}

// splitPath splits "/bot<token>/<method>".
func splitPath(p string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(p, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	return token, method, found && token != "" && method != ""
}

const maxRequest = 60 << 20 // Telegram accepts uploads of up to 50 MB

// readParams collects the parameters of the query string and of a multipart, url-encoded or
// JSON body (later ones win).
func readParams(w http.ResponseWriter, r *http.Request) (map[string]string, map[string]File, error) {
	fields := map[string]string{}
	files := map[string]File{}
	for k, v := range r.URL.Query() {
		fields[k] = v[0]
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequest)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return fields, files, err
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) { // also an empty body: go-telegram/bot's calls without parameters
				break
			}
			if err != nil {
				return fields, files, err
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return fields, files, err
			}
			if p.FileName() != "" {
				files[p.FormName()] = File{Name: p.FileName(), Data: data}
			} else {
				fields[p.FormName()] = string(data)
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return fields, files, err
		}
		for k, v := range r.PostForm {
			fields[k] = v[0]
		}
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return fields, files, err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			break
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return fields, files, fmt.Errorf("can't parse JSON: %v", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case nil:
			case string:
				fields[k] = v
			case json.Number:
				fields[k] = v.String()
			case bool:
				fields[k] = strconv.FormatBool(v)
			default:
				b, _ := json.Marshal(v)
				fields[k] = string(b)
			}
		}
	}
	return fields, files, nil
}
