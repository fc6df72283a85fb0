#pragma once

// The desktop keyring (the freedesktop Secret Service: GNOME Keyring, KWallet, KeePassXC) for team-server passwords:
// File › Connect to a Team Server… offers to keep the password there when a keyring answers on the session bus, and
// opening a team project again finds it there. Without a keyring nothing is stored. Items are found by the project's
// address without the password ("xdg:schema" org.groundwork.TeamServer, attribute "address").

#include <QString>

#include <optional>

namespace gw::ui::keyring {

/// Whether an unlocked keyring answers (a quick D-Bus call; false without a session bus).
bool available();
/// Keeps the password of a team project's address; false when there is no keyring or it refused.
bool store(const QString &address, const QString &password);
/// The password kept for the address, if any.
std::optional<QString> lookup(const QString &address);
/// Removes what is kept for the address; false when nothing was.
bool forget(const QString &address);

} // namespace gw::ui::keyring
