package discordtest

import (
	"net/http"
	"strconv"
	"unicode/utf8"
)

var customIDKeys = map[string]bool{"custom_id": true}

// validateMessage applies Discord's limits on message bodies.
func validateMessage(body map[string]any, files []File, create bool) (response, bool) {
	content, hasContent := body["content"].(string)
	if hasContent && utf8.RuneCountInString(content) > 2000 {
		return formError([]string{"content"}, "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."), false
	}
	if comps, ok := body["components"].([]any); ok {
		if len(comps) > 5 && !isComponentsV2(body) {
			return formError([]string{"components"}, "BASE_TYPE_BAD_LENGTH", "Must be between 0 and 5 in length."), false
		}
		if path, ok := checkCustomIDs(comps, []string{"components"}); !ok {
			return formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."), false
		}
	}
	if create && content == "" && len(files) == 0 && isEmptyList(body["embeds"]) &&
		isEmptyList(body["components"]) && isEmptyList(body["sticker_ids"]) && body["poll"] == nil {
		return errResp(http.StatusBadRequest, 50006, ""), false
	}
	return response{}, true
}

func isComponentsV2(body map[string]any) bool {
	f, _ := body["flags"].(float64)
	return int(f)&(1<<15) != 0
}

func isEmptyList(v any) bool {
	l, _ := v.([]any)
	return len(l) == 0
}

// checkCustomIDs walks a component tree and returns the path of the first
// custom_id that is empty or longer than 100 characters.
func checkCustomIDs(v any, path []string) ([]string, bool) {
	switch t := v.(type) {
	case []any:
		for i, x := range t {
			if p, ok := checkCustomIDs(x, append(append([]string(nil), path...), strconv.Itoa(i))); !ok {
				return p, false
			}
		}
	case map[string]any:
		for k, x := range t {
			if customIDKeys[k] {
				if id, ok := x.(string); ok && (id == "" || utf8.RuneCountInString(id) > 100) {
					return append(append([]string(nil), path...), k), false
				}
				continue
			}
			if _, isList := x.([]any); isList || k == "accessory" || k == "component" {
				if p, ok := checkCustomIDs(x, append(append([]string(nil), path...), k)); !ok {
					return p, false
				}
			}
		}
	}
	return nil, true
}
