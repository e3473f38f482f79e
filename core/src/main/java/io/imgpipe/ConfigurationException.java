package io.imgpipe;

/**
 * A setting is missing, out of range or contradictory, or a component could not be resolved.
 * The message names the setting (for example {@code EngineConfig.ioConcurrency}) and what would
 * fix it. Never retryable.
 */
public class ConfigurationException extends ImgPipeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the setting and what is wrong with it
     */
    public ConfigurationException(String message) {
        super(message, null, false);
    }

    /**
     * Creates the exception.
     *
     * @param message names the setting and what is wrong with it
     * @param cause the underlying exception
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
