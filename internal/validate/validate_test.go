package validate_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

func TestChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		check validate.Check
		ok    []string
		bad   []string
	}{
		{"url", validate.HTTPURL, []string{"https://darwin.v7labs.com/api", "http://127.0.0.1:8080/v7"}, []string{"darwin.v7labs.com", "ftp://x", "https://", "https://x/?a=b", "https://u:p@x", "::"}},
		{"hostname", validate.Hostname, []string{"acme.codeocean.com", "localhost:8443", "a"}, []string{"https://acme.com", "acme.com/", "-a.com", "a..b", ""}},
		{"uuid", validate.UUID, []string{"123e4567-e89b-12d3-a456-426614174000"}, []string{"123e4567e89b12d3a456426614174000", "zone-1", ""}},
		{"secret", validate.Secret, []string{"cop_abc", "a b"}, []string{"", " key", "key\n"}},
		{"slug", validate.Slug, []string{"my-team", "t1_x"}, []string{"My Team", "-x", ""}},
		{"duration", validate.Duration(0, time.Hour), []string{"0s", "90s", "1h"}, []string{"2h", "-1s", "soon", ""}},
		{"relative path", validate.RelativePath, []string{"a", "dir/file.csv", "a/.b/c..d"}, []string{"", "/a", "a/", "a//b", "./a", "a/../b", "a/."}},
		{"not", validate.Not(regexp.MustCompile(`^ri\.`), "must not be a RID"), []string{"master", "rid"}, []string{"ri.x"}},
	}
	for _, tc := range cases {
		for _, v := range tc.ok {
			if err := tc.check(v); err != nil {
				t.Errorf("%s(%q) = %v, want ok", tc.name, v, err)
			}
		}
		for _, v := range tc.bad {
			if err := tc.check(v); err == nil {
				t.Errorf("%s(%q) passed, want an error", tc.name, v)
			}
		}
	}
}

func TestSecretErrorNeverQuotesTheValue(t *testing.T) {
	t.Parallel()
	if err := validate.Secret(" hunter2"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v quotes the secret", err)
	}
}
