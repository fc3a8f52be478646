// Where "who am I" (the admin chosen in Settings) is kept: read by the settings service and by
// the push, which writes notes as that admin. A leaf module, so sync does not import the service.
export const ME_ADMIN_KEY = 'profile.adminId';
