// Package validate holds the provider's value checks. Each check is a plain function, so that a
// value from the environment is checked exactly like the same value written in configuration,
// and String wraps it as a terraform-plugin-framework validator that runs at `terraform validate`.
package validate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Check inspects one value; the error says what is wrong in words a user can act on.
type Check func(string) error

// String turns a Check into a schema validator. Null and unknown values pass: they are checked
// once known.
func String(description string, check Check) validator.String {
	return stringCheck{description: description, check: check}
}

type stringCheck struct {
	description string
	check       Check
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}

// HTTPURL accepts an absolute http or https URL with a host and no query or fragment.
func HTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q must start with https:// (or http:// for a local sandbox)", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must not carry a query, a fragment or credentials", s)
	}
	return nil
}

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)

// Hostname accepts a DNS name with an optional port, without scheme or path
// ("acme.codeocean.com", not "https://acme.codeocean.com/").
func Hostname(s string) error {
	if strings.Contains(s, "://") || strings.Contains(s, "/") {
		return fmt.Errorf("%q must be a host name only, such as acme.example.com, without https:// or a path", s)
	}
	if len(s) > 253 || !hostnameRE.MatchString(s) {
		return fmt.Errorf("%q is not a valid host name", s)
	}
	return nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// UUID accepts a canonical, hyphenated UUID.
func UUID(s string) error {
	if !uuidRE.MatchString(s) {
		return fmt.Errorf("%q is not a UUID such as 123e4567-e89b-12d3-a456-426614174000", s)
	}
	return nil
}

// Secret accepts a non-empty credential without surrounding white space, which would be a
// copy-and-paste accident and fail authentication in a confusing way. The value is never quoted.
func Secret(s string) error {
	switch {
	case s == "":
		return errors.New("the value is empty")
	case strings.TrimSpace(s) != s:
		return errors.New("the value starts or ends with white space")
	}
	return nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Slug accepts a lower-case slug such as a V7 team or dataset slug.
func Slug(s string) error {
	if !slugRE.MatchString(s) {
		return fmt.Errorf("%q is not a slug: use lower-case letters, digits, '-' and '_'", s)
	}
	return nil
}

// Duration accepts a Go duration ("90s", "2m") within [lo, hi].
func Duration(lo, hi time.Duration) Check {
	return func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as \"90s\" or \"2m\"", s)
		}
		if d < lo || d > hi {
			return fmt.Errorf("%s is outside the allowed range %s to %s", d, lo, hi)
		}
		return nil
	}
}

// NoDotParts refuses a "." or ".." part in a /-separated path: S3 takes them literally, a
// reader (and a local file system) would not.
func NoDotParts(p string) error {
	for _, part := range strings.Split(p, "/") {
		if part == "." || part == ".." {
			return fmt.Errorf("must not have a %q part", part)
		}
	}
	return nil
}

// RelativePath accepts a /-separated path relative to a root, such as dir/file.csv: no
// leading or trailing /, no empty, "." or ".." part.
func RelativePath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		return fmt.Errorf("%q must be a relative file path such as dir/file.csv: no leading /, no empty parts", p)
	}
	if err := NoDotParts(p); err != nil {
		return fmt.Errorf("%q %w", p, err)
	}
	return nil
}

// Not refuses a value that matches re, saying what it must be instead.
func Not(re *regexp.Regexp, what string) Check {
	return func(s string) error {
		if re.MatchString(s) {
			return fmt.Errorf("%q %s", s, what)
		}
		return nil
	}
}

// OwnedPrefix checks a prefix a resource owns in a bucket: it must name a key or folder of
// its own, so not the whole bucket, not a pattern, and no "." or ".." part.
func OwnedPrefix(p string) error {
	switch {
	case strings.Trim(p, "/ ") == "":
		return fmt.Errorf("prefix %q would own the whole bucket; an owned prefix names a key or folder", p)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("prefix %q must be relative to the bucket, without a leading /", p)
	case strings.ContainsAny(p, "*?"):
		return fmt.Errorf("prefix %q is a pattern; an owned prefix is a literal key or folder", p)
	}
	if err := NoDotParts(strings.Trim(p, "/")); err != nil {
		return fmt.Errorf("prefix %q %w", p, err)
	}
	return nil
}

// RelativeFolder accepts a folder name relative to a parent (a mount point): not absolute,
// not empty, no "." or ".." part, so that it can never leave the parent.
func RelativeFolder(p string) error {
	switch {
	case strings.TrimSpace(p) == "":
		return errors.New("must not be empty")
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q must be relative, without a leading /", p)
	}
	if err := NoDotParts(strings.TrimRight(p, "/")); err != nil {
		return fmt.Errorf("%q %w, so that it stays inside its parent", p, err)
	}
	return nil
}

// JSONObject accepts a JSON object ({…}), not an array, a scalar or malformed JSON.
func JSONObject(s string) error {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return fmt.Errorf("is not valid JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("must be a JSON object such as {\"name\": \"Oregon\"}, not %s", jsonKind(v))
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "that"
}
