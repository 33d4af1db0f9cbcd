package codeocean

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MetadataValues turns custom metadata given as strings into the JSON values the deployment's
// fields take: numbers for number fields, epoch seconds for dates (given as epoch seconds or
// YYYY-MM-DD), strings otherwise. An undefined key is an error that lists the defined ones.
func MetadataValues(fields []Field, in map[string]string) (map[string]any, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		i := slices.IndexFunc(fields, func(f Field) bool { return f.Name == k })
		if i < 0 {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.Name
			}
			return nil, fmt.Errorf("custom_metadata key %q is not a field of this deployment (its fields: %s)", k, strings.Join(names, ", "))
		}
		switch fields[i].Type {
		case "number":
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("custom_metadata %q is a number field; %q is not a number", k, v)
			}
			out[k] = n
		case "date":
			n, err := dateSeconds(v)
			if err != nil {
				return nil, fmt.Errorf("custom_metadata %q is a date field; give YYYY-MM-DD or epoch seconds, not %q", k, v)
			}
			out[k] = n
		default:
			out[k] = v
		}
	}
	return out, nil
}

func dateSeconds(v string) (int64, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	return t.Unix(), err
}

// sameMetadataValue says whether a configured string means the remote value.
func sameMetadataValue(fields []Field, key, configured string, remote any) bool {
	want, err := MetadataValues(fields, map[string]string{key: configured})
	if err != nil {
		return false
	}
	switch w := want[key].(type) {
	case float64:
		r, ok := remote.(float64)
		return ok && r == w
	case int64:
		r, ok := remote.(float64)
		return ok && int64(r) == w
	}
	return fmt.Sprint(remote) == configured
}

// metadataText renders a remote value as the string the configuration would hold.
func metadataText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
