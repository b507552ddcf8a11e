package io.p2pfs.common.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryReportsTests {

    static String id(int n) {
        return String.format("%064x", n);
    }

    static InventoryReports.Report page(String after, boolean last, String... ids) {
        List<InventoryReports.Entry> entries = new ArrayList<>();
        for (String id : ids) {
            entries.add(new InventoryReports.Entry(id, 1024, 1_700_000_000L));
        }
        return new InventoryReports.Report("node-1", after, last, 1_800_000_000L, entries);
    }

    @Test
    void aSignedPageVerifiesWithItsNodesKeyAndReadsBackAsSigned() throws Exception {
        KeyPair key = StorageReceiptsTests.p256();
        InventoryReports.Report report = page(id(1), false, id(2), id(5), id(9));
        String compact = InventoryReports.sign(report, key.getPrivate(), "kid");
        assertEquals(report, InventoryReports.verify(compact, key.getPublic()));
        assertEquals(report, InventoryReports.claims(compact));
        InventoryReports.Report end = page(null, true);
        assertEquals(end, InventoryReports.verify(InventoryReports.sign(end, key.getPrivate(), "kid"), key.getPublic()));
    }

    @Test
    void anotherKeyOrATamperedPageDoesNotVerify() throws Exception {
        KeyPair key = StorageReceiptsTests.p256();
        String compact = InventoryReports.sign(page(null, true, id(3)), key.getPrivate(), "kid");
        assertThrows(InventoryReports.InvalidReport.class,
                () -> InventoryReports.verify(compact, StorageReceiptsTests.p256().getPublic()));
        String[] parts = compact.split("\\.");
        String lying = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(id(3), id(4));
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(lying.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThrows(InventoryReports.InvalidReport.class, () -> InventoryReports.verify(tampered, key.getPublic()));
    }

    @Test
    void pagesOutOfOrderOrEmptyBeforeTheEndOrOfAnotherKindAreRefused() throws Exception {
        KeyPair key = StorageReceiptsTests.p256();
        for (InventoryReports.Report bad : List.of(page(null, true, id(5), id(2)), page(id(5), true, id(5)),
                page(id(5), true, id(4)), page(null, false), page(null, true, "not-an-id"))) {
            String compact = InventoryReports.sign(bad, key.getPrivate(), "kid");
            assertThrows(InventoryReports.InvalidReport.class, () -> InventoryReports.claims(compact), bad.toString());
        }
        String receipt = StorageReceipts.sign(new StorageReceipts.Receipt(id(1), "node-1", 10, 1), key.getPrivate(),
                "kid");
        assertThrows(InventoryReports.InvalidReport.class, () -> InventoryReports.claims(receipt));
        assertThrows(InventoryReports.InvalidReport.class, () -> InventoryReports.claims("a.b"));
        assertThrows(InventoryReports.InvalidReport.class, () -> InventoryReports.claims(null));
    }
}
