package io.p2pfs.common.problem;

import io.quarkus.arc.DefaultBean;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/** The fallback recorder: one structured log line per denial. */
@DefaultBean
@ApplicationScoped
public class LoggingDenialRecorder implements DenialRecorder {

    @Override
    public void denied(Denial denial) {
        Log.infof("access denied: status=%d reason=%s actor=%s method=%s resource=%s client=%s count=%d",
                denial.status(), denial.reason(), denial.actor(), denial.method(), denial.resource(),
                denial.clientAddress(), denial.count());
    }
}
