package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Int64 is an integer field that platforms send as a JSON number or as a digit string (Code
// Ocean's docs type a data asset's size as a string; its SDK parses it to int). null and an
// absent field are 0.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = 0
			return nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		*n = Int64(v)
		return nil
	}
	var v json.Number
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%s is neither a number nor a digit string", b)
	}
	i, err := v.Int64()
	if err != nil {
		f, ferr := v.Float64()
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("%s is not an integer", b)
		}
		i = int64(f)
	}
	*n = Int64(i)
	return nil
}
