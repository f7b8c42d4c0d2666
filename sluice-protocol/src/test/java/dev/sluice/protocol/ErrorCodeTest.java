package dev.sluice.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    @Test
    void everyCodeMapsBackToItsError() {
        for (ErrorCode error : ErrorCode.values()) {
            assertThat(ErrorCode.forCode(error.code())).isEqualTo(error);
            assertThat(error.defaultMessage()).isNotBlank();
        }
    }

    @Test
    void codesAreStable() {
        // Codes are never renumbered: pin a few, and that they run 0..n-1 in declaration order.
        assertThat(ErrorCode.NONE.code()).isEqualTo((short) 0);
        assertThat(ErrorCode.CORRUPT_FRAME.code()).isEqualTo((short) 2);
        assertThat(ErrorCode.STORAGE_FULL.code()).isEqualTo((short) 14);
        assertThat(ErrorCode.GROUP_NOT_EMPTY.code()).isEqualTo((short) 24);
        assertThat(ErrorCode.INVALID_PRODUCER_EPOCH.code()).isEqualTo((short) 26);
        for (ErrorCode error : ErrorCode.values()) {
            assertThat(error.code()).isEqualTo((short) error.ordinal());
        }
    }

    @Test
    void unknownCodesReadAsUnknownServerError() {
        for (short code : new short[] {-1, 29, 999, Short.MAX_VALUE, Short.MIN_VALUE}) {
            assertThat(ErrorCode.forCode(code)).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
        }
    }

    @Test
    void onlyTransientConditionsAreRetriable() {
        assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::retriable)
                .collect(Collectors.toList()))
                .containsExactly(ErrorCode.STORAGE_FULL, ErrorCode.BROKER_BUSY,
                        ErrorCode.REQUEST_TIMEOUT, ErrorCode.SHUTTING_DOWN);
    }

    @Test
    void exceptionCarriesTheError() {
        ProtocolException exception = ErrorCode.INVALID_REQUEST.exception("maxWaitMs -1 is negative");
        assertThat(exception.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(exception).hasMessage("maxWaitMs -1 is negative");
    }

    @Test
    void apiKeysAreNumberedAsDocumented() {
        for (ApiKey api : ApiKey.values()) {
            assertThat(api.id()).isEqualTo((short) api.ordinal());
            assertThat(ApiKey.forId(api.id())).isEqualTo(api);
            assertThat(api.minVersion()).isEqualTo(Protocol.PROTOCOL_VERSION);
            assertThat(api.maxVersion()).isEqualTo(Protocol.PROTOCOL_VERSION);
        }
        assertThat(ApiKey.values()).hasSize(20);
        assertThat(ApiKey.PRODUCE.onewayCapable()).isTrue();
        assertThat(ApiKey.PRODUCE.hasResponse()).isTrue();
        assertThat(ApiKey.CREDIT.onewayCapable()).isTrue();
        assertThat(ApiKey.CREDIT.hasResponse()).isFalse();
        assertThat(ApiKey.PUSH_RECORDS.push()).isTrue();
        assertThat(ApiKey.PUSH_RECORDS.clientToBroker()).isFalse();
        assertThat(ApiKey.FETCH.onewayCapable()).isFalse();
    }
}
