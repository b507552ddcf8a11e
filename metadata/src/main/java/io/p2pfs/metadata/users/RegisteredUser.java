package io.p2pfs.metadata.users;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A login the tracker has registered: token subject to user id. */
@Entity
@Table(name = "registered_users")
public class RegisteredUser extends PanacheEntityBase {

    @Id
    public String subject;

    @Column(name = "user_id")
    public String userId;

    public String login;

    @Column(name = "registered_at")
    public Instant registeredAt;
}
