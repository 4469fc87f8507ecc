package discordtest

import "encoding/json"

// cloneMap deep-copies a JSON-shaped map.
func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c, _ := cloneJSON(m).(map[string]any)
	return c
}

// cloneJSON deep-copies JSON-shaped data (maps, slices, scalars).
func cloneJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, x := range t {
			c[k] = cloneJSON(x)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = cloneJSON(x)
		}
		return c
	default:
		return v
	}
}

// normalizeJSON turns any JSON-encodable value into maps/slices/scalars.
func normalizeJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
