package dev.sluice.cli;

/** Turns an exception into the one line a user sees: its message and its causes', no stack trace. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable exception) {
        StringBuilder out = new StringBuilder();
        Throwable current = exception;
        int depth = 0;
        while (current != null && depth < 5) {
            if (current instanceof java.util.concurrent.CompletionException
                    || current instanceof java.util.concurrent.ExecutionException) {
                current = current.getCause();
                continue;
            }
            String message = current.getMessage();
            if (message == null) {
                message = current.getClass().getSimpleName();
            }
            if (out.indexOf(message) < 0) {
                if (out.length() > 0) {
                    out.append(": ");
                }
                out.append(message);
            }
            current = current.getCause();
            depth++;
        }
        return out.toString();
    }
}
