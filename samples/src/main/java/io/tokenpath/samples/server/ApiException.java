package io.tokenpath.samples.server;

/**
 * A request the server answers with an OpenAI-style error body instead of a completion: the status and the
 * {@code error.type}/{@code error.code} fields clients switch on.
 */
public final class ApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiException badRequest(String message, String param) {
        return new ApiException(400, "invalid_request_error", message, param, null);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, "invalid_request_error",
                "The model '" + model + "' does not exist on this server", "model", "model_not_found");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
