import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { GuestOnly, PublicPage, RequireAuth } from './guards';
import { Layout } from './Layout';

// One chunk per page: the first load fetches only the shell and the page it shows.
const HomePage = lazy(() => import('../home/HomePage').then((m) => ({ default: m.HomePage })));
const SignUpPage = lazy(() => import('../auth/SignUpPage').then((m) => ({ default: m.SignUpPage })));
const SignInPage = lazy(() => import('../auth/SignInPage').then((m) => ({ default: m.SignInPage })));
const ForgotPasswordPage = lazy(() =>
  import('../auth/ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import('../auth/ResetPasswordPage').then((m) => ({ default: m.ResetPasswordPage })),
);
const ProfilePage = lazy(() => import('../members/ProfilePage').then((m) => ({ default: m.ProfilePage })));
const EditProfilePage = lazy(() => import('../members/EditProfilePage').then((m) => ({ default: m.EditProfilePage })));
const ForumsPage = lazy(() => import('../forums/ForumsPage').then((m) => ({ default: m.ForumsPage })));
const CategoryPage = lazy(() => import('../forums/CategoryPage').then((m) => ({ default: m.CategoryPage })));
const ThreadPage = lazy(() => import('../forums/ThreadPage').then((m) => ({ default: m.ThreadPage })));
const BookmarksPage = lazy(() => import('../forums/BookmarksPage').then((m) => ({ default: m.BookmarksPage })));
const SearchPage = lazy(() => import('../search/SearchPage').then((m) => ({ default: m.SearchPage })));
const NotificationsPage = lazy(() =>
  import('../notifications/NotificationsPage').then((m) => ({ default: m.NotificationsPage })),
);
const NotificationSettingsPage = lazy(() =>
  import('../notifications/NotificationSettingsPage').then((m) => ({ default: m.NotificationSettingsPage })),
);
const UnsubscribePage = lazy(() =>
  import('../notifications/UnsubscribePage').then((m) => ({ default: m.UnsubscribePage })),
);
const ModerationQueuePage = lazy(() =>
  import('../moderation/ModerationQueuePage').then((m) => ({ default: m.ModerationQueuePage })),
);
const ModerationAuditPage = lazy(() => import('../moderation/AuditPage').then((m) => ({ default: m.AuditPage })));
const RequireModerator = lazy(() =>
  import('../moderation/RequireModerator').then((m) => ({ default: m.RequireModerator })),
);
const LabsPage = lazy(() => import('../labs/LabsPage').then((m) => ({ default: m.LabsPage })));
const NewLabPage = lazy(() => import('../labs/NewLabPage').then((m) => ({ default: m.NewLabPage })));
const LabPage = lazy(() => import('../labs/LabPage').then((m) => ({ default: m.LabPage })));
const LabRoomPage = lazy(() => import('../labs/LabRoomPage').then((m) => ({ default: m.LabRoomPage })));
const EventsPage = lazy(() => import('../events/EventsPage').then((m) => ({ default: m.EventsPage })));
const EventPage = lazy(() => import('../events/EventPage').then((m) => ({ default: m.EventPage })));
const NewEventPage = lazy(() => import('../events/EventFormPage').then((m) => ({ default: m.NewEventPage })));
const EditEventPage = lazy(() => import('../events/EventFormPage').then((m) => ({ default: m.EditEventPage })));
const LibraryPage = lazy(() => import('../library/LibraryPage').then((m) => ({ default: m.LibraryPage })));
const SubmitResourcePage = lazy(() =>
  import('../library/SubmitResourcePage').then((m) => ({ default: m.SubmitResourcePage })),
);
const ResourcePage = lazy(() => import('../library/ResourcePage').then((m) => ({ default: m.ResourcePage })));
const ImportPage = lazy(() => import('../library/ImportPage').then((m) => ({ default: m.ImportPage })));
const DirectoryPage = lazy(() => import('../directory/DirectoryPage').then((m) => ({ default: m.DirectoryPage })));
const StoriesPage = lazy(() => import('../stories/StoriesPage').then((m) => ({ default: m.StoriesPage })));
const NewStoryPage = lazy(() => import('../stories/NewStoryPage').then((m) => ({ default: m.NewStoryPage })));
const StoryPage = lazy(() => import('../stories/StoryPage').then((m) => ({ default: m.StoryPage })));
const CoalitionsPage = lazy(() => import('../coalitions/CoalitionsPage').then((m) => ({ default: m.CoalitionsPage })));
const NewCoalitionPage = lazy(() =>
  import('../coalitions/NewCoalitionPage').then((m) => ({ default: m.NewCoalitionPage })),
);
const CoalitionPage = lazy(() => import('../coalitions/CoalitionPage').then((m) => ({ default: m.CoalitionPage })));
const MailFailuresPage = lazy(() => import('../admin/MailFailuresPage').then((m) => ({ default: m.MailFailuresPage })));
const RequireAdmin = lazy(() => import('../admin/RequireAdmin').then((m) => ({ default: m.RequireAdmin })));
const AccountSettingsPage = lazy(() =>
  import('../account/AccountSettingsPage').then((m) => ({ default: m.AccountSettingsPage })),
);
const AccountDeletedPage = lazy(() =>
  import('../account/AccountDeletedPage').then((m) => ({ default: m.AccountDeletedPage })),
);
const VerifyEmailPage = lazy(() => import('../account/VerifyEmailPage').then((m) => ({ default: m.VerifyEmailPage })));
const AdminMembersPage = lazy(() => import('../admin/AdminMembersPage').then((m) => ({ default: m.AdminMembersPage })));
const InvitationsPage = lazy(() => import('../admin/InvitationsPage').then((m) => ({ default: m.InvitationsPage })));
const AcceptInvitationPage = lazy(() =>
  import('../auth/AcceptInvitationPage').then((m) => ({ default: m.AcceptInvitationPage })),
);
const CategoriesPage = lazy(() => import('../admin/CategoriesPage').then((m) => ({ default: m.CategoriesPage })));
const WebhooksPage = lazy(() => import('../admin/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const SiteSettingsPage = lazy(() => import('../admin/SiteSettingsPage').then((m) => ({ default: m.SiteSettingsPage })));
const NotFoundPage = lazy(() => import('./NotFoundPage').then((m) => ({ default: m.NotFoundPage })));

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          <Route
            path="sign-up"
            element={
              <GuestOnly>
                <SignUpPage />
              </GuestOnly>
            }
          />
          <Route
            path="sign-in"
            element={
              <GuestOnly>
                <SignInPage />
              </GuestOnly>
            }
          />
          <Route path="forgot-password" element={<ForgotPasswordPage />} />
          <Route path="reset-password" element={<ResetPasswordPage />} />
          <Route path="verify-email" element={<VerifyEmailPage />} />
          <Route
            path="invitations/accept"
            element={
              <GuestOnly>
                <AcceptInvitationPage />
              </GuestOnly>
            }
          />
          <Route path="account-deleted" element={<AccountDeletedPage />} />
          <Route
            path="settings/account"
            element={
              <RequireAuth>
                <AccountSettingsPage />
              </RequireAuth>
            }
          />
          <Route path="members/:id" element={<ProfilePage />} />
          <Route
            path="settings/profile"
            element={
              <RequireAuth>
                <EditProfilePage />
              </RequireAuth>
            }
          />
          <Route
            path="forums"
            element={
              <PublicPage>
                <ForumsPage />
              </PublicPage>
            }
          />
          <Route
            path="forums/c/:categoryId"
            element={
              <PublicPage>
                <CategoryPage />
              </PublicPage>
            }
          />
          <Route
            path="forums/t/:threadId"
            element={
              <PublicPage>
                <ThreadPage />
              </PublicPage>
            }
          />
          {/* Links inside server-rendered posts (quotes) use /threads/:id. */}
          <Route
            path="threads/:threadId"
            element={
              <PublicPage>
                <ThreadPage />
              </PublicPage>
            }
          />
          <Route
            path="bookmarks"
            element={
              <RequireAuth>
                <BookmarksPage />
              </RequireAuth>
            }
          />
          <Route
            path="moderation"
            element={
              <RequireModerator>
                <ModerationQueuePage />
              </RequireModerator>
            }
          />
          <Route
            path="moderation/audit"
            element={
              <RequireModerator>
                <ModerationAuditPage />
              </RequireModerator>
            }
          />
          <Route
            path="admin/members"
            element={
              <RequireAdmin>
                <AdminMembersPage />
              </RequireAdmin>
            }
          />
          <Route
            path="admin/settings"
            element={
              <RequireAdmin>
                <SiteSettingsPage />
              </RequireAdmin>
            }
          />
          <Route
            path="admin/categories"
            element={
              <RequireAdmin>
                <CategoriesPage />
              </RequireAdmin>
            }
          />
          <Route
            path="admin/webhooks"
            element={
              <RequireAdmin>
                <WebhooksPage />
              </RequireAdmin>
            }
          />
          <Route
            path="admin/invitations"
            element={
              <RequireAdmin>
                <InvitationsPage />
              </RequireAdmin>
            }
          />
          <Route
            path="admin/mail-failures"
            element={
              <RequireAdmin>
                <MailFailuresPage />
              </RequireAdmin>
            }
          />
          <Route
            path="search"
            element={
              <RequireAuth>
                <SearchPage />
              </RequireAuth>
            }
          />
          <Route
            path="notifications"
            element={
              <RequireAuth>
                <NotificationsPage />
              </RequireAuth>
            }
          />
          <Route
            path="settings/notifications"
            element={
              <RequireAuth>
                <NotificationSettingsPage />
              </RequireAuth>
            }
          />
          <Route path="unsubscribe" element={<UnsubscribePage />} />
          <Route
            path="labs"
            element={
              <RequireAuth>
                <LabsPage />
              </RequireAuth>
            }
          />
          <Route
            path="labs/new"
            element={
              <RequireAuth>
                <NewLabPage />
              </RequireAuth>
            }
          />
          <Route
            path="labs/:labId"
            element={
              <RequireAuth>
                <LabPage />
              </RequireAuth>
            }
          />
          <Route
            path="labs/:labId/room"
            element={
              <RequireAuth>
                <LabRoomPage />
              </RequireAuth>
            }
          />
          <Route
            path="events"
            element={
              <PublicPage>
                <EventsPage />
              </PublicPage>
            }
          />
          <Route
            path="events/new"
            element={
              <RequireAuth>
                <NewEventPage />
              </RequireAuth>
            }
          />
          <Route
            path="events/:id"
            element={
              <PublicPage>
                <EventPage />
              </PublicPage>
            }
          />
          <Route
            path="events/:id/edit"
            element={
              <RequireAuth>
                <EditEventPage />
              </RequireAuth>
            }
          />
          <Route
            path="library"
            element={
              <PublicPage>
                <LibraryPage />
              </PublicPage>
            }
          />
          <Route
            path="library/new"
            element={
              <RequireAuth>
                <SubmitResourcePage />
              </RequireAuth>
            }
          />
          <Route
            path="library/import"
            element={
              <RequireAuth>
                <ImportPage />
              </RequireAuth>
            }
          />
          <Route
            path="library/:id"
            element={
              <PublicPage>
                <ResourcePage />
              </PublicPage>
            }
          />
          <Route
            path="library/:id/edit"
            element={
              <RequireAuth>
                <SubmitResourcePage />
              </RequireAuth>
            }
          />
          <Route
            path="members"
            element={
              <RequireAuth>
                <DirectoryPage />
              </RequireAuth>
            }
          />
          <Route
            path="stories"
            element={
              <PublicPage>
                <StoriesPage />
              </PublicPage>
            }
          />
          <Route
            path="stories/new"
            element={
              <RequireAuth>
                <NewStoryPage />
              </RequireAuth>
            }
          />
          <Route
            path="stories/:id"
            element={
              <PublicPage>
                <StoryPage />
              </PublicPage>
            }
          />
          <Route
            path="stories/:id/edit"
            element={
              <RequireAuth>
                <NewStoryPage />
              </RequireAuth>
            }
          />
          <Route
            path="coalitions"
            element={
              <RequireAuth>
                <CoalitionsPage />
              </RequireAuth>
            }
          />
          <Route
            path="coalitions/new"
            element={
              <RequireAuth>
                <NewCoalitionPage />
              </RequireAuth>
            }
          />
          <Route
            path="coalitions/:id"
            element={
              <RequireAuth>
                <CoalitionPage />
              </RequireAuth>
            }
          />
          <Route
            path="coalitions/:id/edit"
            element={
              <RequireAuth>
                <NewCoalitionPage />
              </RequireAuth>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
