package transport

import (
	"errors"
	"io"
	"net"
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
