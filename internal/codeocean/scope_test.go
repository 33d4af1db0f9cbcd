package codeocean_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/codeocean"
)

func TestCleanupScope(t *testing.T) {
	src := &codeocean.AWSSource{Bucket: "src", Prefix: "raw/2024"}
	tgt := &codeocean.AWSSource{Bucket: "out", Prefix: "results/run-1/"}
	for _, tc := range []struct {
		name       string
		c          *codeocean.Cleanup
		source     *codeocean.AWSSource
		target     *codeocean.AWSSource
		bucket     string
		prefixes   []string
		errContain string
	}{
		{"nothing declared owns nothing", nil, src, nil, "", nil, ""},
		{"empty declaration owns nothing", &codeocean.Cleanup{}, src, nil, "", nil, ""},
		{"source bucket by default", &codeocean.Cleanup{Prefixes: []string{"raw/2024/", "raw/2024/a"}}, src, nil, "src", []string{"raw/2024"}, ""},
		{"owned target", &codeocean.Cleanup{OwnsTarget: true}, nil, tgt, "out", []string{"results/run-1"}, ""},
		{"target and more prefixes", &codeocean.Cleanup{OwnsTarget: true, Prefixes: []string{"logs/run-1"}}, nil, tgt, "out", []string{"logs/run-1", "results/run-1"}, ""},
		{"owns_target without target", &codeocean.Cleanup{OwnsTarget: true}, src, nil, "", nil, "needs a target"},
		{"two buckets", &codeocean.Cleanup{OwnsTarget: true, Bucket: "other"}, nil, tgt, "", nil, "differs"},
		{"no bucket at all", &codeocean.Cleanup{Prefixes: []string{"a"}}, nil, nil, "", nil, "bucket is required"},
		{"whole bucket refused", &codeocean.Cleanup{Prefixes: []string{"/"}}, src, nil, "", nil, "whole bucket"},
		{"empty target prefix refused", &codeocean.Cleanup{OwnsTarget: true}, nil, &codeocean.AWSSource{Bucket: "out", Prefix: "/"}, "", nil, "whole bucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket, prefixes, err := codeocean.CleanupScope(tc.c, tc.source, tc.target)
			if tc.errContain != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errContain) {
					t.Fatalf("want an error with %q, got %v", tc.errContain, err)
				}
				return
			}
			if err != nil || bucket != tc.bucket || !slices.Equal(prefixes, tc.prefixes) {
				t.Fatalf("got %q %q %v, want %q %q", bucket, prefixes, err, tc.bucket, tc.prefixes)
			}
		})
	}
}

func TestMetadataValues(t *testing.T) {
	fields := []codeocean.Field{{Name: "experiment", Type: "string"}, {Name: "subject_count", Type: "number"}, {Name: "acquired", Type: "date"}}
	got, err := codeocean.MetadataValues(fields, map[string]string{"experiment": "e1", "subject_count": "12", "acquired": "2024-05-01"})
	if err != nil || got["experiment"] != "e1" || got["subject_count"] != 12.0 || got["acquired"] != int64(1714521600) {
		t.Fatalf("got %v, %v", got, err)
	}
	for in, want := range map[string]string{"unknown": "not a field of this deployment (its fields: experiment, subject_count, acquired)",
		"subject_count": "not a number", "acquired": "YYYY-MM-DD"} {
		if _, err := codeocean.MetadataValues(fields, map[string]string{in: "x"}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", in, want, err)
		}
	}
}
