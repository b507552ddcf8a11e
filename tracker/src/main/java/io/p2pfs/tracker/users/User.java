package io.p2pfs.tracker.users;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered user: the unique user id a login (token subject) chose. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;

    /** The identity provider's stable subject ({@code sub}) of the login. */
    @Column(nullable = false, unique = true)
    public String subject;

    /** The login name at registration ({@code preferred_username}). */
    @Column(nullable = false)
    public String login;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;
}
