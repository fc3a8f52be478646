// A screen whose data could not be read says what and why, and offers to try again.
export function CouldNotRead({ what, error, retry }: { what: string; error: string; retry: () => void }) {
  return (
    <p className="error" role="alert">
      Could not read the {what}: {error}{' '}
      <button type="button" className="link" onClick={retry}>
        Try again
      </button>
    </p>
  );
}
