package telegramtest

import (
	"encoding/json"
	"strings"
)

// replyMarkup checks a reply_markup field and returns the canonical JSON of an inline keyboard
// ("" for none or for a reply keyboard, which messages do not carry).
func replyMarkup(raw string) (string, *Fault) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return "", badRequest("can't parse reply keyboard markup JSON object")
	}
	kb, ok := m["inline_keyboard"]
	if !ok {
		if _, ok := m["keyboard"]; ok {
			return "", nil
		}
		if _, ok := m["remove_keyboard"]; ok {
			return "", nil
		}
		if _, ok := m["force_reply"]; ok {
			return "", nil
		}
		return "", badRequest("can't parse reply keyboard markup JSON object")
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(kb, &rows); err != nil {
		return "", badRequest(`field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`)
	}
	for _, row := range rows {
		for _, btn := range row {
			var text string
			if err := json.Unmarshal(btn["text"], &text); err != nil || text == "" {
				return "", badRequest("text buttons are unallowed in the inline keyboard")
			}
			actions := 0
			for k := range btn {
				if k != "text" {
					actions++
				}
			}
			if actions == 0 {
				return "", badRequest("text buttons are unallowed in the inline keyboard")
			}
			if data, ok := btn["callback_data"]; ok {
				var d string
				if err := json.Unmarshal(data, &d); err != nil || len(d) < 1 || len(d) > maxCallbackLen {
					return "", badRequest("BUTTON_DATA_INVALID")
				}
			}
		}
	}
	if len(rows) == 0 {
		return "", nil
	}
	return canonicalJSON(raw), nil
}

func canonicalJSON(raw string) string {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}
