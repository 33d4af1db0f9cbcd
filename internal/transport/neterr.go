package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

func connectionRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// transientNetworkError is a broken or timed-out connection after the request may have been sent.
func transientNetworkError(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// unwrapURLError drops the *url.Error wrapper that http.Client adds, as http.RoundTripper
// implementations are expected to return the cause.
func unwrapURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		return uerr.Err
	}
	return err
}

// errNotSent marks an error that came before the request left: it cannot have acted.
var errNotSent = errors.New("the request was not sent")

// MayHaveActed reports whether a failed request may still have been carried out: the
// connection broke or timed out after the request was sent (no answer came), or a gateway
// answered 502 or 504 for a backend that may have acted. A resource that gets this on a create
// must look for what it asked for before it reports a failure or tries again: a blind retry
// duplicates, and a blind failure orphans. A refused connection, and any answer the platform
// itself gave, did not act.
func MayHaveActed(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, errNotSent) || connectionRefused(err) {
		return false
	}
	switch StatusCode(err) {
	case 0:
		return transientNetworkError(err) || errors.Is(err, context.DeadlineExceeded)
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}
